namespace ReleaseManagement.Azure.Monitoring;

// Shaped like Azure.Monitor.Query's LogsQueryClient types (that package is not available here): swapping it in later
// replaces this folder's client file and these models, not their callers.

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
