using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using Azure.Core.Diagnostics;

namespace History;

/// <summary>
/// The storage requests made while counting, by kind (method and what it addresses: a table's query, an entity, a batch, a
/// blob), from the Azure SDK's request events. The listener exists only while counting, so the timed runs pay nothing for it.
/// </summary>
public static class StorageCalls
{
    public static async Task<IReadOnlyDictionary<string, int>> CountAsync(Func<Task> run)
    {
        var calls = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        using (new AzureEventSourceListener((e, _) => Count(e, calls), EventLevel.Informational))
        {
            await run();
        }

        return calls;
    }

    public static string Describe(IReadOnlyDictionary<string, int> calls) =>
        string.Join(", ", calls.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}"));

    private static void Count(EventWrittenEventArgs e, ConcurrentDictionary<string, int> calls)
    {
        if (e.EventName != "Request" || e.PayloadNames is null)
        {
            return;
        }

        var method = e.Payload![e.PayloadNames.IndexOf("method")]?.ToString();
        var uri = new Uri(e.Payload[e.PayloadNames.IndexOf("uri")]!.ToString()!);
        var path = Uri.UnescapeDataString(uri.AbsolutePath);
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var table = segments.LastOrDefault() ?? "?";
        var name = table.Split('(')[0];
        var kind = path.Contains("$batch", StringComparison.Ordinal) ? "batch"
            : table.Contains('(') ? (table.EndsWith("()", StringComparison.Ordinal) ? $"{method} {name} query" : $"{method} {name} entity")
            : table == "Tables" ? $"{method} Tables"
            : $"{method} blob {(segments.Length > 1 ? segments[1] : "?")}";
        calls.AddOrUpdate(kind, 1, (_, n) => n + 1);
    }
}
