using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Lifecycle;

/// <summary>One counted storage operation's class: who it belongs to (<see cref="Kind"/>), the table, queue or container (the
/// task hub's name written <c>{hub}</c>), what it did, and whether it is time-driven rather than release-driven.</summary>
internal readonly record struct StorageOperation(string Kind, string Name, string Op, bool TimeDriven);

/// <summary>
/// The storage requests one window of a run made through the <see cref="StorageProxy"/>, by <see cref="StorageOperation"/>.
/// <para>Kinds: <c>engine table|queue|blob</c> (the task hub's own: <c>{hub}History</c>, <c>{hub}Instances</c>, its
/// control and work-item queues, its lease and large-message containers), <c>webhook queue|table|blob</c> (the pipeline
/// events' queue, table and container, <c>events{hub}</c>), <c>app table|queue|blob</c> (everything else: Releases,
/// ReleaseIndex, the timeline, audit, notices...).</para>
/// <para>Time-driven, not release-driven (counted apart): a queue receive that got no message (the engine's and the
/// event listener's polling of idle queues, which back off to their maximum interval), and the engine's partition
/// ownership (blob lease operations, its <c>{hub}Partitions</c> table): these go on at the same rate with no release in
/// flight and are fewer, not more, per release when the queues are busy.</para>
/// </summary>
internal sealed partial class StorageTally(string hub)
{
    private readonly ConcurrentDictionary<StorageOperation, long> _counts = new();
    private readonly ConcurrentDictionary<string, long> _rowsReturned = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _crossPartition = new(StringComparer.Ordinal);
    private long _failed;

    public IReadOnlyDictionary<StorageOperation, long> Counts => _counts;

    /// <summary>Entities returned by table queries, by table (a query that returns the whole table shows here).</summary>
    public IReadOnlyDictionary<string, long> RowsReturned => _rowsReturned;

    /// <summary>Table queries whose filter names no single partition (<c>PartitionKey eq</c>), by table: each scans the table.</summary>
    public IReadOnlyDictionary<string, long> CrossPartitionQueries => _crossPartition;

    public long Failures => Interlocked.Read(ref _failed);

    public long Total => _counts.Values.Sum();

    public long ReleaseDriven => _counts.Where(c => !c.Key.TimeDriven).Sum(c => c.Value);

    /// <summary>Release-driven operations by kind.</summary>
    public IReadOnlyDictionary<string, long> ByKind() =>
        _counts.Where(c => !c.Key.TimeDriven).GroupBy(c => c.Key.Kind).ToDictionary(g => g.Key, g => g.Sum(c => c.Value), StringComparer.Ordinal);

    /// <summary>Time-driven operations by what they are (empty receives, leases).</summary>
    public IReadOnlyDictionary<string, long> TimeDriven() =>
        _counts.Where(c => c.Key.TimeDriven).GroupBy(c => $"{c.Key.Kind} {c.Key.Op}").ToDictionary(g => g.Key, g => g.Sum(c => c.Value), StringComparer.Ordinal);

    public void Failed() => Interlocked.Increment(ref _failed);

    public void Count(StorageService service, string method, string rawTarget, byte[] body, int status, byte[] answer)
    {
        var q = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var query = q >= 0 ? rawTarget[(q + 1)..] : "";
        var path = Uri.UnescapeDataString(q >= 0 ? rawTarget[..q] : rawTarget);
        // Path-style: /account/name[/rest]
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var first = segments.Length > 1 ? segments[1] : "";
        var operation = service switch
        {
            StorageService.Table => Table(method, first, query, body, status, answer),
            StorageService.Queue => Queue(method, first, segments, query, status, answer),
            _ => Blob(method, first, segments, query),
        };
        _counts.AddOrUpdate(operation, 1, (_, n) => n + 1);
        if (status >= 500)
        {
            Failed();
        }
    }

    private StorageOperation Table(string method, string segment, string query, byte[] body, int status, byte[] answer)
    {
        var name = segment.Split('(')[0];
        string op;
        if (name == "$batch")
        {
            var text = Encoding.UTF8.GetString(body);
            name = BatchTable().Match(text) is { Success: true } m ? m.Groups[1].Value : "?";
            op = "batch";
        }
        else if (name.Equals("Tables", StringComparison.OrdinalIgnoreCase))
        {
            name = TableNameInBody().Match(Encoding.UTF8.GetString(body)) is { Success: true } m ? m.Groups[1].Value : "Tables";
            op = method == "GET" ? "list tables" : method == "DELETE" ? "delete table" : "create table";
        }
        else
        {
            var point = segment.Contains("PartitionKey=", StringComparison.Ordinal) && segment.Contains("RowKey=", StringComparison.Ordinal);
            op = method switch
            {
                "GET" when point => "read",
                "GET" => "query",
                "POST" => "insert",
                "PUT" => "upsert",
                "MERGE" or "PATCH" => "merge",
                "DELETE" => "delete",
                _ => method,
            };
        }

        var display = Display(name);
        if (op == "query")
        {
            var filter = QueryValue(query, "$filter");
            if (!filter.Contains("PartitionKey eq", StringComparison.Ordinal))
            {
                _crossPartition.AddOrUpdate(display, 1, (_, n) => n + 1);
            }

            if (status == 200 && answer.Length > 0)
            {
                _rowsReturned.AddOrUpdate(display, Entities(answer), (_, n) => n + Entities(answer));
            }
        }

        var kind = Kind("table", name);
        return new StorageOperation(kind, display, op, kind == "engine table" && name.EndsWith("Partitions", StringComparison.Ordinal));
    }

    private StorageOperation Queue(string method, string name, string[] segments, string query, int status, byte[] answer)
    {
        var messages = segments.Length > 2 && segments[2] == "messages";
        var op = (method, messages, segments.Length > 3) switch
        {
            ("GET", true, _) when query.Contains("peekonly=true", StringComparison.OrdinalIgnoreCase) => "peek",
            ("GET", true, _) => status == 200 && Encoding.UTF8.GetString(answer).Contains("<QueueMessage>", StringComparison.Ordinal) ? "receive" : "empty receive",
            ("POST", true, _) => "send",
            ("PUT", true, true) => "update",
            ("DELETE", true, true) => "delete",
            ("DELETE", true, false) => "clear",
            ("GET" or "HEAD", false, _) => "metadata",
            ("PUT", false, _) => "create queue",
            ("DELETE", false, _) => "delete queue",
            _ => method,
        };
        return new StorageOperation(Kind("queue", name), Display(name), op, op == "empty receive");
    }

    private StorageOperation Blob(string method, string container, string[] segments, string query)
    {
        var op = query.Contains("comp=lease", StringComparison.OrdinalIgnoreCase) ? "lease"
            : query.Contains("comp=list", StringComparison.OrdinalIgnoreCase) ? "list"
            : segments.Length <= 2 ? method == "PUT" ? "create container" : "container " + method
            : method switch { "GET" => "read", "PUT" => "write", "HEAD" => "properties", "DELETE" => "delete", _ => method };
        return new StorageOperation(Kind("blob", container), Display(container), op, op == "lease");
    }

    /// <summary>engine / webhook / app, and the service.</summary>
    private string Kind(string service, string name)
    {
        var lower = name.ToLowerInvariant();
        return lower.StartsWith("events" + hub, StringComparison.Ordinal) ? "webhook " + service
            : lower.StartsWith(hub, StringComparison.Ordinal) ? "engine " + service
            : "app " + service;
    }

    private string Display(string name) => name.Replace(hub, "{hub}", StringComparison.OrdinalIgnoreCase);

    private static string QueryValue(string query, string key)
    {
        foreach (var pair in query.Split('&'))
        {
            var parts = pair.Split('=', 2);
            if (Uri.UnescapeDataString(parts[0]) == key && parts.Length == 2)
            {
                return Uri.UnescapeDataString(parts[1].Replace('+', ' '));
            }
        }

        return "";
    }

    private static long Entities(byte[] answer)
    {
        try
        {
            using var json = JsonDocument.Parse(answer);
            return json.RootElement.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.Array ? value.GetArrayLength() : 0;
        }
        catch (JsonException)
        {
            return 0;
        }
    }

    [GeneratedRegex(@"^(?:POST|PUT|PATCH|MERGE|DELETE|GET) https?://[^/\s]+/[^/\s]+/([^(?/\s]+)", RegexOptions.Multiline)]
    private static partial Regex BatchTable();

    [GeneratedRegex("\"TableName\"\\s*:\\s*\"([^\"]+)\"")]
    private static partial Regex TableNameInBody();
}
