using System.Globalization;

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
