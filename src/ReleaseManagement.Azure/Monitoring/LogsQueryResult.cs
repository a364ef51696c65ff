using Azure;

namespace ReleaseManagement.Azure.Monitoring;

// Shaped like Azure.Monitor.Query's LogsQueryClient types (that package is not available here): swapping it in later
// replaces this folder's client file and these models, not their callers.

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
