using System.Globalization;
using System.Text.Json;

namespace ReleaseManagement.Events;

/// <summary>Tolerant reads from provider payloads: a missing or differently typed member is null, never an exception.</summary>
internal static class JsonRead
{
    public static JsonElement? Get(this JsonElement element, params string[] path)
    {
        var current = element;
        foreach (var name in path)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
            {
                return null;
            }
        }

        return current.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : current;
    }

    public static string? Str(this JsonElement element, params string[] path) => element.Get(path) switch
    {
        { ValueKind: JsonValueKind.String } e => e.GetString() is { Length: > 0 } s ? s : null,
        { ValueKind: JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False } e => e.GetRawText(),
        _ => null,
    };

    public static bool? Bool(this JsonElement element, params string[] path) => element.Get(path) switch
    {
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        { ValueKind: JsonValueKind.String } e when bool.TryParse(e.GetString(), out var b) => b,
        _ => null,
    };

    public static DateTimeOffset? Date(this JsonElement element, params string[] path) =>
        element.Str(path) is { } s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d.ToUniversalTime() : null;

    public static IEnumerable<JsonElement> Items(this JsonElement element, params string[] path) =>
        element.Get(path) is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray() : [];

    /// <summary>Label names (strings or objects with a <c>name</c>), comma-separated; null when there are none.</summary>
    public static string? Labels(IEnumerable<JsonElement> labels)
    {
        var names = labels.Select(l => l.ValueKind == JsonValueKind.String ? l.GetString() : l.Str("name"))
            .Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n!.Replace(",", " ", StringComparison.Ordinal).Trim())
            .Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        return names.Length == 0 ? null : string.Join(",", names);
    }

    /// <summary>Parses a body that must be a JSON object; null when it is not.</summary>
    public static JsonDocument? ParseObject(ReadOnlyMemory<byte> body, out string? error)
    {
        error = null;
        try
        {
            var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                return doc;
            }

            doc.Dispose();
            error = "The body is not a JSON object.";
            return null;
        }
        catch (JsonException e)
        {
            error = $"The body is not valid JSON: {e.Message}";
            return null;
        }
    }
}

/// <summary>Builds the attribute bag, skipping empty values.</summary>
internal sealed class AttributeBag
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public AttributeBag Add(string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            _values[name] = value;
        }

        return this;
    }

    public IReadOnlyDictionary<string, string> Build() => _values;
}

/// <summary>Maps the many spellings of environments and outcomes to the canonical ones.</summary>
public static class CanonicalValues
{
    public const string Development = "development";
    public const string Integration = "integration";
    public const string Staging = "staging";
    public const string Production = "production";

    /// <summary>development, integration, staging or production; an unknown name is kept lower-cased; blank is null.</summary>
    public static string? Environment(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var value = name.Trim().ToLowerInvariant();
        return value switch
        {
            "prod" or "production" or "prd" or "live" => Production,
            "staging" or "stage" or "stg" or "preprod" or "pre-production" or "uat" => Staging,
            "integration" or "int" or "test" or "testing" or "qa" or "sit" => Integration,
            "development" or "dev" or "develop" => Development,
            _ => value,
        };
    }

    /// <summary>Finds an environment named inside a longer name (a stage such as <c>Deploy_Production</c>); null when none.</summary>
    public static string? EnvironmentIn(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        foreach (var token in name.ToLowerInvariant().Split(['_', '-', ' ', '.', '/', ':'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (Environment(token) is (Production or Staging or Integration or Development) and var env)
            {
                return env;
            }
        }

        return null;
    }

    /// <summary>success, failure or cancelled; null for an outcome that is not final or not known.</summary>
    public static string? Outcome(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "success" or "succeeded" or "pass" or "passed" or "ok" => EventOutcomes.Success,
        "failure" or "failed" or "fail" or "error" or "errored" or "timed_out" or "startup_failure" or "partiallysucceeded"
            or "rejected" => EventOutcomes.Failure,
        "cancelled" or "canceled" or "cancel" or "abandoned" or "stopped" => EventOutcomes.Cancelled,
        _ => null,
    };
}
