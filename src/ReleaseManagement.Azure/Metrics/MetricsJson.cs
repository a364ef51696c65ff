using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Data.Tables;

namespace ReleaseManagement.Azure.Metrics;

/// <summary>JSON of facts and reports as stored: camelCase, enums by name; large documents split over several string properties.</summary>
public static class MetricsJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>A table string property holds at most 32K UTF-16 characters; documents are split into parts of this size.</summary>
    private const int PartLength = 30_000;

    private const int MaxParts = 30;

    public static void Write<T>(TableEntity entity, string name, T value)
    {
        var json = JsonSerializer.Serialize(value, Options);
        var parts = (json.Length + PartLength - 1) / PartLength;
        if (parts > MaxParts)
        {
            throw new InvalidOperationException($"{name} is {json.Length} characters: more than a table row holds ({MaxParts * PartLength}).");
        }

        entity[name + "Parts"] = parts;
        for (var i = 0; i < parts; i++)
        {
            entity[$"{name}{i}"] = json.Substring(i * PartLength, Math.Min(PartLength, json.Length - (i * PartLength)));
        }
    }

    public static T Read<T>(TableEntity entity, string name)
    {
        var parts = entity.GetInt32(name + "Parts") ?? 0;
        if (parts == 1)
        {
            return JsonSerializer.Deserialize<T>(entity.GetString(name + "0") ?? string.Empty, Options)!;
        }

        var json = new StringBuilder();
        for (var i = 0; i < parts; i++)
        {
            json.Append(entity.GetString($"{name}{i}"));
        }

        return JsonSerializer.Deserialize<T>(json.ToString(), Options)!;
    }
}
