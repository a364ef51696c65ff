using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.VisualBasic.FileIO;
using ReleaseManagement.Events;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Tools.ImportHistory;

/// <summary>The kinds of history file (docs/import.md).</summary>
public enum HistoryFormat
{
    /// <summary>By the file name: <c>.csv</c> is CSV, anything else JSON Lines.</summary>
    Auto,

    /// <summary>One JSON object a line: a CDEvent in a CloudEvents envelope (has <c>specversion</c>), or a canonical event.</summary>
    JsonLines,

    /// <summary>Deployments: <c>system,environment,time,outcome,release,merged-at</c> with a header row.</summary>
    Csv,
}

/// <summary>One line (a CSV record) of a history file: the canonical events it yields, or why it was refused.</summary>
public sealed record HistoryLine(int Number, IReadOnlyList<CanonicalEvent> Events, string? Refused)
{
    public static HistoryLine Refuse(int number, string reason) => new(number, [], reason);
}

/// <summary>
/// Reads a history file into canonical events with the webhook path's own pieces: CDEvents through
/// <see cref="PipelineEventNormalizer"/> (the same ids, so an event already received by webhook is a duplicate), canonical
/// events and CSV rows through <see cref="CanonicalValues"/> and <see cref="ReleaseCorrelator"/>. An event without an id of
/// its own gets one from its content (<c>import:</c> + a SHA-256 prefix), so importing the same file again adds nothing.
/// </summary>
public static class HistoryFile
{
    public const string ImportSource = "import";

    public static readonly string[] CsvColumns = ["system", "environment", "time", "outcome", "release", "merged-at"];

    public static HistoryFormat FormatOf(string path, HistoryFormat format) =>
        format != HistoryFormat.Auto ? format
        : path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? HistoryFormat.Csv
        : HistoryFormat.JsonLines;

    public static IEnumerable<HistoryLine> Read(TextReader reader, HistoryFormat format, PipelineEventNormalizer normalizer, ReleaseCorrelator correlator) =>
        format == HistoryFormat.Csv ? ReadCsv(reader, correlator) : ReadJsonLines(reader, normalizer, correlator);

    private static IEnumerable<HistoryLine> ReadJsonLines(TextReader reader, PipelineEventNormalizer normalizer, ReleaseCorrelator correlator)
    {
        var number = 0;
        while (reader.ReadLine() is { } text)
        {
            number++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            yield return JsonLine(number, text, normalizer, correlator);
        }
    }

    private static HistoryLine JsonLine(int number, string text, PipelineEventNormalizer normalizer, ReleaseCorrelator correlator)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            return HistoryLine.Refuse(number, $"not JSON: {e.Message}");
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return HistoryLine.Refuse(number, "not a JSON object");
            }

            if (doc.RootElement.TryGetProperty("specversion", out _))
            {
                // A CDEvent: exactly what the CDEvents webhook does with the same body.
                var result = normalizer.Normalize(new InboundDelivery(EventSources.CDEvents, Encoding.UTF8.GetBytes(text), DateTimeOffset.MinValue));
                return result.Status switch
                {
                    NormalizationStatus.Accepted when result.Event!.OccurredAt == DateTimeOffset.MinValue => HistoryLine.Refuse(number, "the CDEvent has no timestamp"),
                    NormalizationStatus.Accepted => new HistoryLine(number, [result.Event!], null),
                    NormalizationStatus.Ignored => HistoryLine.Refuse(number, $"ignored: {result.Detail}"),
                    _ => HistoryLine.Refuse(number, result.Detail ?? "malformed CDEvent"),
                };
            }

            return Canonical(number, doc.RootElement, correlator);
        }
    }

    /// <summary>A canonical event line: <c>{"type","occurredAt","releaseId","system","environment","outcome","attributes","eventId","source"}</c>.</summary>
    private static HistoryLine Canonical(int number, JsonElement root, ReleaseCorrelator correlator)
    {
        string? Str(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        if (!Enum.TryParse<CanonicalEventType>(Str("type"), ignoreCase: true, out var type) || int.TryParse(Str("type"), out _))
        {
            return HistoryLine.Refuse(number, $"'type' must be one of {string.Join(", ", Enum.GetNames<CanonicalEventType>())}");
        }

        if (!TryTime(Str("occurredAt"), out var at))
        {
            return HistoryLine.Refuse(number, "'occurredAt' must be an ISO 8601 time (e.g. 2026-01-05T10:00:00Z)");
        }

        var attributes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("attributes", out var attrs) && attrs.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in attrs.EnumerateObject())
            {
                attributes[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
            }
        }

        var outcome = CanonicalValues.Outcome(Str("outcome"));
        if (Str("outcome") is { Length: > 0 } given && outcome is null)
        {
            return HistoryLine.Refuse(number, $"'outcome' '{given}' is not success, failure or cancelled");
        }

        if (type is CanonicalEventType.PipelineRunFinished or CanonicalEventType.TestSuiteRunFinished && outcome is null)
        {
            return HistoryLine.Refuse(number, $"a {type} needs an 'outcome'");
        }

        outcome ??= type is CanonicalEventType.ServiceDeployed or CanonicalEventType.ServiceRolledBack or CanonicalEventType.ArtifactPublished or CanonicalEventType.ChangeMerged
            ? EventOutcomes.Success : null;
        var release = Str("releaseId");
        if (!string.IsNullOrWhiteSpace(release) && !ReleaseIds.IsValid(release.Trim()))
        {
            return HistoryLine.Refuse(number, $"'releaseId' '{release}' is not a release id");
        }

        var environment = CanonicalValues.Environment(Str("environment"));
        var system = Str("system") is { Length: > 0 } s ? s.Trim() : null;
        var (releaseId, rule) = correlator.Correlate(new CorrelationHints(
            release, [attributes.GetValueOrDefault(EventAttributes.Branch)], attributes.GetValueOrDefault("tag"), attributes.GetValueOrDefault(EventAttributes.Version)));
        attributes[EventAttributes.Correlation] = rule;
        var id = Str("eventId") is { Length: > 0 } eventId
            ? eventId.Trim()
            : ImportSource + ":" + Hash(type.ToString(), Utc(at), releaseId, system, environment, outcome, string.Join(";", attributes.Where(a => a.Key != EventAttributes.Correlation).Select(a => $"{a.Key}={a.Value}")));
        if (id.Length > 250 || id.Any(char.IsControl))
        {
            return HistoryLine.Refuse(number, "'eventId' is longer than 250 characters or has control characters");
        }

        var source = Str("source") is { Length: > 0 } src ? src.Trim() : ImportSource;
        return new HistoryLine(number, [new CanonicalEvent(id, source, type, at, releaseId, system, environment, outcome, attributes)], null);
    }

    private static IEnumerable<HistoryLine> ReadCsv(TextReader reader, ReleaseCorrelator correlator)
    {
        using var parser = new TextFieldParser(reader) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true, TrimWhiteSpace = true };
        parser.SetDelimiters(",");
        var header = parser.EndOfData ? null : parser.ReadFields();
        if (header is null)
        {
            yield return HistoryLine.Refuse(1, $"the CSV has no header row ({string.Join(",", CsvColumns)})");
            yield break;
        }

        var index = header.Select((name, i) => (Name: name.Trim().ToLowerInvariant().Replace('_', '-'), i))
            .GroupBy(c => c.Name == "mergedat" ? "merged-at" : c.Name)
            .ToDictionary(g => g.Key, g => g.First().i);
        var missing = new[] { "system", "time" }.Where(c => !index.ContainsKey(c)).ToList();
        if (missing.Count > 0)
        {
            yield return HistoryLine.Refuse(1, $"the header lacks {string.Join(", ", missing)} (columns: {string.Join(",", CsvColumns)})");
            yield break;
        }

        while (!parser.EndOfData)
        {
            var number = (int)parser.LineNumber;
            string[]? fields;
            string? error = null;
            try
            {
                fields = parser.ReadFields();
            }
            catch (MalformedLineException e)
            {
                fields = null;
                error = $"not a CSV record: {e.Message}";
            }

            if (error is not null)
            {
                yield return HistoryLine.Refuse(number, error);
                continue;
            }

            if (fields is null || fields.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }

            yield return CsvRow(number, fields, index, correlator);
        }
    }

    private static HistoryLine CsvRow(int number, string[] fields, Dictionary<string, int> index, ReleaseCorrelator correlator)
    {
        string? Field(string name) => index.TryGetValue(name, out var i) && i < fields.Length && fields[i].Length > 0 ? fields[i] : null;

        var system = Field("system");
        if (system is null)
        {
            return HistoryLine.Refuse(number, "'system' is empty");
        }

        if (!TryTime(Field("time"), out var at))
        {
            return HistoryLine.Refuse(number, $"'time' '{Field("time")}' is not an ISO 8601 time (e.g. 2026-01-05T10:00:00Z)");
        }

        var environment = CanonicalValues.Environment(Field("environment") ?? CanonicalValues.Production);
        var outcome = Field("outcome") is { } text ? CanonicalValues.Outcome(text) : EventOutcomes.Success;
        if (outcome is null)
        {
            return HistoryLine.Refuse(number, $"'outcome' '{Field("outcome")}' is not success, failure or cancelled");
        }

        var release = Field("release");
        if (release is not null && !ReleaseIds.IsValid(release))
        {
            return HistoryLine.Refuse(number, $"'release' '{release}' is not a release id");
        }

        var mergedText = Field("merged-at");
        DateTimeOffset merged = default;
        if (mergedText is not null && (release is null || !TryTime(mergedText, out merged) || merged > at))
        {
            return HistoryLine.Refuse(number, release is null
                ? "'merged-at' needs a 'release' (lead time is measured per release)"
                : $"'merged-at' '{mergedText}' is not an ISO 8601 time at or before 'time'");
        }

        var (releaseId, rule) = correlator.Correlate(new CorrelationHints(release));
        Dictionary<string, string> Attributes() => new() { [EventAttributes.Correlation] = rule, [EventAttributes.SourceType] = "csv" };
        var events = new List<CanonicalEvent>
        {
            new(ImportSource + ":deploy:" + Hash(system, environment, Utc(at), outcome, releaseId), ImportSource, CanonicalEventType.ServiceDeployed, at, releaseId, system, environment, outcome, Attributes()),
        };
        if (mergedText is not null)
        {
            // One merge event per release, system and time: rows of the same release share it.
            events.Insert(0, new(ImportSource + ":merged:" + Hash(releaseId, system, Utc(merged)), ImportSource, CanonicalEventType.ChangeMerged, merged, releaseId, system, null, EventOutcomes.Success, Attributes()));
        }

        return new HistoryLine(number, events, null);
    }

    private static bool TryTime(string? text, out DateTimeOffset at) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out at);

    private static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private static string Hash(params string?[] parts) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\u001f", parts.Select(p => p ?? "")))))[..32];
}
