namespace ReleaseManagement.Ports;

/// <summary>
/// What to measure: the release's systems over the window since deployment, compared with a baseline window of the same
/// length before the release.
/// </summary>
public sealed record HealthQuery(
    string ReleaseId,
    IReadOnlyList<string> Systems,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    DateTimeOffset BaselineStart,
    DateTimeOffset BaselineEnd);

/// <summary>One system's health in the window and in the baseline; null where no data came back.</summary>
public sealed record SystemHealth(
    string System,
    decimal? ErrorRatePercent,
    int? P95LatencyMilliseconds,
    decimal? AvailabilityPercent,
    long? ExceptionCount,
    decimal? BaselineErrorRatePercent,
    int? BaselineP95LatencyMilliseconds,
    decimal? BaselineAvailabilityPercent = null,
    long? BaselineExceptionCount = null);

/// <summary>A health reading. <see cref="Partial"/> when the monitoring service answered only in part.</summary>
public sealed record HealthReading(
    string ReleaseId,
    DateTimeOffset At,
    IReadOnlyList<SystemHealth> Systems,
    bool Partial,
    string? Error);

/// <summary>Post-deployment health from the monitoring service (Azure Monitor / Log Analytics in Azure).</summary>
public interface IReleaseHealthMonitor
{
    /// <summary>
    /// One release's reading. Throws while the monitoring service is unavailable (the caller, the validation, waits the
    /// outage out); a query the service answered with an error, or answered in part, is a reading carrying it.
    /// </summary>
    Task<HealthReading> QueryAsync(HealthQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Readings for several releases at once, in the order asked. Adapters answer with one batched query (the post-release
    /// monitor's query budget); this default asks one by one.
    /// </summary>
    async Task<IReadOnlyList<HealthReading>> QueryManyAsync(IReadOnlyList<HealthQuery> queries, CancellationToken cancellationToken = default)
    {
        var readings = new List<HealthReading>(queries.Count);
        foreach (var query in queries)
        {
            readings.Add(await QueryAsync(query, cancellationToken));
        }

        return readings;
    }
}
