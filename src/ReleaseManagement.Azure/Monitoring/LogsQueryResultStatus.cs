namespace ReleaseManagement.Azure.Monitoring;

// Shaped like Azure.Monitor.Query's LogsQueryClient types (that package is not available here): swapping it in later
// replaces this folder's client file and these models, not their callers.

public enum LogsQueryResultStatus
{
    Success,
    PartialFailure,
    Failure,
}
