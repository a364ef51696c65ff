using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Infrastructure.Tests;

/// <summary>
/// Reads what the Functions host resolves from app settings: <c>%Name%</c> placeholders and connection names in the
/// generated functions.metadata of the built app and in host.json.
/// </summary>
public static partial class FunctionsMetadata
{
    public const string DefaultStorageConnection = "AzureWebJobsStorage";

    // Bindings that use the host storage connection when they name none.
    private static readonly HashSet<string> StorageBindings = new(StringComparer.OrdinalIgnoreCase)
    {
        "queueTrigger", "queue", "blobTrigger", "blob", "table",
    };

    public static string MetadataPath => Path.Combine(Repo.FunctionsOutput, "functions.metadata");

    public static string HostJsonPath => Path.Combine(Repo.Root, "host.json");

    public static JsonArray Functions()
    {
        Assert.True(File.Exists(MetadataPath), $"{MetadataPath} is missing: build src/ReleaseFunctions first.");
        return JsonNode.Parse(File.ReadAllText(MetadataPath))!.AsArray();
    }

    private static IEnumerable<JsonObject> Bindings() =>
        Functions().SelectMany(f => f!["bindings"]!.AsArray()).OfType<JsonObject>();

    public static IEnumerable<string> HttpRoutes() =>
        Bindings().Where(b => (string?)b["type"] == "httpTrigger").Select(b => (string?)b["route"]).OfType<string>();

    /// <summary>Names of app settings referenced as %Name% in binding properties and in host.json.</summary>
    public static IEnumerable<string> Placeholders()
    {
        var hostJson = JsonNode.Parse(File.ReadAllText(HostJsonPath))!;
        return Strings(Functions()).Concat(Strings(hostJson))
            .SelectMany(s => Placeholder().Matches(s).Select(m => m.Groups["name"].Value))
            .Distinct(StringComparer.Ordinal);
    }

    /// <summary>Connection names bindings and host.json use (each is a setting or a Name__* group of settings).</summary>
    public static IEnumerable<string> Connections()
    {
        var names = new List<string>();
        foreach (var binding in Bindings())
        {
            var connection = Property(binding, "connection") ?? Property(binding["properties"] as JsonObject, "connection");
            if (!string.IsNullOrEmpty(connection))
            {
                names.Add(connection.Trim('%'));
            }
            else if (StorageBindings.Contains((string?)binding["type"] ?? ""))
            {
                names.Add(DefaultStorageConnection);
            }
        }

        var hostJson = JsonNode.Parse(File.ReadAllText(HostJsonPath))!;
        names.AddRange(PropertiesNamed(hostJson, "connectionName").Concat(PropertiesNamed(hostJson, "connectionStringName")));
        return names.Distinct(StringComparer.Ordinal);
    }

    private static string? Property(JsonObject? node, string name) =>
        node?.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value is JsonValue v
        && v.TryGetValue<string>(out var text) ? text : null;

    private static IEnumerable<string> PropertiesNamed(JsonNode? node, string name) => node switch
    {
        JsonObject o => o.SelectMany(p =>
            string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase) && p.Value is JsonValue v && v.TryGetValue<string>(out var s)
                ? [s]
                : PropertiesNamed(p.Value, name)),
        JsonArray a => a.SelectMany(n => PropertiesNamed(n, name)),
        _ => [],
    };

    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Strings(p.Value)),
        JsonArray a => a.SelectMany(Strings),
        JsonValue v when v.TryGetValue<string>(out var s) => [s],
        _ => [],
    };

    [GeneratedRegex(@"%(?<name>[A-Za-z_][A-Za-z0-9_:.\-]*)%")]
    private static partial Regex Placeholder();
}
