using System.Globalization;
using System.Text.Json;

namespace ReleaseManagement.Azure.Monitoring;

// Shaped like Azure.Monitor.Query's LogsQueryClient types (that package is not available here): swapping it in later
// replaces this folder's client file and these models, not their callers.

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
