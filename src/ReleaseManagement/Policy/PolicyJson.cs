using System.Text.Json;
using System.Text.Json.Serialization;

namespace ReleaseManagement.Policy;

/// <summary>
/// The policy's JSON shape, used to read <c>config/release-policy.json</c> and to show the effective policy:
/// camelCase properties, enum values and enum dictionary keys by name, durations as <c>[d.]hh:mm:ss</c>.
/// </summary>
public static class PolicyJson
{
    public static readonly JsonSerializerOptions Options = Create(writeIndented: false);

    public static readonly JsonSerializerOptions Indented = Create(writeIndented: true);

    public static string Serialize(ReleasePolicy policy, bool indented = true) =>
        JsonSerializer.Serialize(policy, indented ? Indented : Options);

    /// <summary>Reads a policy this process wrote (e.g. the copy an orchestration captured); no schema validation.</summary>
    public static ReleasePolicy Deserialize(string json) =>
        JsonSerializer.Deserialize<ReleasePolicy>(json, Options) ?? throw new InvalidOperationException("The policy JSON is empty.");

    private static JsonSerializerOptions Create(bool writeIndented)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            Converters = { new JsonStringEnumConverter(namingPolicy: null, allowIntegerValues: false) },
            WriteIndented = writeIndented,
            AllowTrailingCommas = true,
            ReadCommentHandling = JsonCommentHandling.Skip,
            RespectNullableAnnotations = true,
            NumberHandling = JsonNumberHandling.Strict,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
