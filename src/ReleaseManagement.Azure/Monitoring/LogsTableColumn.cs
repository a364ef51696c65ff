namespace ReleaseManagement.Azure.Monitoring;

// Shaped like Azure.Monitor.Query's LogsQueryClient types (that package is not available here): swapping it in later
// replaces this folder's client file and these models, not their callers.

/// <summary>A column of a result table: its name and Kusto type (bool, datetime, dynamic, guid, int, long, real, string, timespan, decimal).</summary>
public sealed record LogsTableColumn(string Name, string Type);
