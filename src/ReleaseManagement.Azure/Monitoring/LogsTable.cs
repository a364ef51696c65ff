using System.Text.Json;

namespace ReleaseManagement.Azure.Monitoring;

// Shaped like Azure.Monitor.Query's LogsQueryClient types (that package is not available here): swapping it in later
// replaces this folder's client file and these models, not their callers.

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
