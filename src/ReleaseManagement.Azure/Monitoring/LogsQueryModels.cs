using System.Globalization;
using System.Text.Json;
using Azure;

namespace ReleaseManagement.Azure.Monitoring;

// Shaped like Azure.Monitor.Query's LogsQueryClient types (that package is not available here): swapping it in later
// replaces this folder's client file and these models, not their callers.

/// <summary>The time range a query covers: an explicit [start, end) or a duration ending now.</summary>
public readonly record struct QueryTimeRange(DateTimeOffset Start, DateTimeOffset End)
{
    public TimeSpan Duration => End - Start;

    /// <summary>ISO 8601 interval, as the REST API's <c>timespan</c> field takes it.</summary>
    public string ToIsoString() =>
        $"{Start.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture)}/{End.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture)}";

    public override string ToString() => ToIsoString();
}

/// <summary>Options of one query.</summary>
public sealed class LogsQueryOptions
{
    /// <summary>How long the service may run the query (sent as <c>Prefer: wait=</c>); at most 10 minutes. Default 3 minutes.</summary>
    public TimeSpan? ServerTimeout { get; set; }

    /// <summary>Return a partial result (status <see cref="LogsQueryResultStatus.PartialFailure"/>) instead of throwing.</summary>
    public bool AllowPartialErrors { get; set; }

    /// <summary>On a timeout (504), retry over the later half of the time range; the result is then partial. Default true.</summary>
    public bool NarrowTimeRangeOnTimeout { get; set; } = true;
}

public enum LogsQueryResultStatus
{
    Success,
    PartialFailure,
    Failure,
}

/// <summary>A query's answer: its tables, and the error when the service answered only in part.</summary>
public sealed class LogsQueryResult
{
    internal LogsQueryResult(IReadOnlyList<LogsTable> tables, ResponseError? error, QueryTimeRange timeRange, bool narrowed)
    {
        AllTables = tables;
        Error = error;
        TimeRange = timeRange;
        TimeRangeNarrowed = narrowed;
    }

    public IReadOnlyList<LogsTable> AllTables { get; }

    /// <summary>The primary table (the first one); throws when the answer had several (use <see cref="AllTables"/>).</summary>
    public LogsTable Table => AllTables.Count == 1
        ? AllTables[0]
        : throw new InvalidOperationException($"The result has {AllTables.Count} tables; use {nameof(AllTables)}.");

    public ResponseError? Error { get; }

    /// <summary>The time range the answer covers (narrower than asked when <see cref="TimeRangeNarrowed"/>).</summary>
    public QueryTimeRange TimeRange { get; }

    public bool TimeRangeNarrowed { get; }

    public LogsQueryResultStatus Status => Error is null ? LogsQueryResultStatus.Success : LogsQueryResultStatus.PartialFailure;

    public ResponseError? GetError() => Error;
}

/// <summary>A column of a result table: its name and Kusto type (bool, datetime, dynamic, guid, int, long, real, string, timespan, decimal).</summary>
public sealed record LogsTableColumn(string Name, string Type);

public sealed class LogsTable
{
    private readonly Dictionary<string, int> _index;

    internal LogsTable(string name, IReadOnlyList<LogsTableColumn> columns, IReadOnlyList<JsonElement[]> rows)
    {
        Name = name;
        Columns = columns;
        _index = columns.Select((c, i) => (c.Name, i)).GroupBy(x => x.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().i, StringComparer.Ordinal);
        Rows = rows.Select(r => new LogsTableRow(this, r)).ToList();
    }

    public string Name { get; }

    public IReadOnlyList<LogsTableColumn> Columns { get; }

    public IReadOnlyList<LogsTableRow> Rows { get; }

    internal int IndexOf(string column) =>
        _index.TryGetValue(column, out var i) ? i : throw new ArgumentException($"The table has no column '{column}' (columns: {string.Join(", ", Columns.Select(c => c.Name))}).", nameof(column));
}

/// <summary>A row; values are read typed by column index or name. Nulls read as null.</summary>
public sealed class LogsTableRow
{
    private readonly LogsTable _table;
    private readonly JsonElement[] _values;

    internal LogsTableRow(LogsTable table, JsonElement[] values)
    {
        _table = table;
        _values = values;
    }

    public int Count => _values.Length;

    private JsonElement? Cell(int index) => index < _values.Length && _values[index].ValueKind is not JsonValueKind.Null and not JsonValueKind.Undefined ? _values[index] : null;

    public string? GetString(int index) => Cell(index) is { } v ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText() : null;

    public string? GetString(string column) => GetString(_table.IndexOf(column));

    public double? GetDouble(int index) => Cell(index) is { } v ? v.ValueKind switch
    {
        JsonValueKind.Number => v.GetDouble(),
        // The service writes NaN and infinities as strings.
        JsonValueKind.String => double.Parse(v.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture),
        _ => throw Wrong(index, "real"),
    } : null;

    public double? GetDouble(string column) => GetDouble(_table.IndexOf(column));

    public decimal? GetDecimal(int index) => Cell(index) is { } v ? v.ValueKind switch
    {
        JsonValueKind.Number => v.GetDecimal(),
        JsonValueKind.String => decimal.Parse(v.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture),
        _ => throw Wrong(index, "decimal"),
    } : null;

    public decimal? GetDecimal(string column) => GetDecimal(_table.IndexOf(column));

    public long? GetInt64(int index) => Cell(index) is { } v ? v.ValueKind == JsonValueKind.Number ? v.GetInt64() : throw Wrong(index, "long") : null;

    public long? GetInt64(string column) => GetInt64(_table.IndexOf(column));

    public int? GetInt32(int index) => Cell(index) is { } v ? v.ValueKind == JsonValueKind.Number ? v.GetInt32() : throw Wrong(index, "int") : null;

    public int? GetInt32(string column) => GetInt32(_table.IndexOf(column));

    public bool? GetBoolean(int index) => Cell(index) is { } v ? v.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => v.GetInt32() != 0,
        _ => throw Wrong(index, "bool"),
    } : null;

    public bool? GetBoolean(string column) => GetBoolean(_table.IndexOf(column));

    public DateTimeOffset? GetDateTimeOffset(int index) => Cell(index) is { } v
        ? DateTimeOffset.Parse(v.GetString() ?? throw Wrong(index, "datetime"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
        : null;

    public DateTimeOffset? GetDateTimeOffset(string column) => GetDateTimeOffset(_table.IndexOf(column));

    public TimeSpan? GetTimeSpan(int index) => Cell(index) is { } v
        ? TimeSpan.Parse(v.GetString() ?? throw Wrong(index, "timespan"), CultureInfo.InvariantCulture)
        : null;

    public TimeSpan? GetTimeSpan(string column) => GetTimeSpan(_table.IndexOf(column));

    /// <summary>A dynamic value as JSON.</summary>
    public BinaryData? GetDynamic(int index) => Cell(index) is { } v
        ? v.ValueKind == JsonValueKind.String ? BinaryData.FromString(v.GetString()!) : BinaryData.FromString(v.GetRawText())
        : null;

    public BinaryData? GetDynamic(string column) => GetDynamic(_table.IndexOf(column));

    private FormatException Wrong(int index, string type) =>
        new($"Column '{_table.Columns[index].Name}' ({_table.Columns[index].Type}) does not hold a {type}: {_values[index].GetRawText()}");
}
