namespace ReleaseManagement.Ports;

/// <summary>
/// The monitoring port when no monitoring service is configured: every reading is "no data" (partial, with the reason),
/// which never counts as a breach. Registered only as a fallback; the Log Analytics adapter replaces it.
/// </summary>
public sealed class UnconfiguredHealthMonitor(TimeProvider time) : IReleaseHealthMonitor
{
    public Task<HealthReading> QueryAsync(HealthQuery query, CancellationToken cancellationToken = default) =>
        Task.FromResult(new HealthReading(
            query.ReleaseId,
            time.GetUtcNow(),
            query.Systems.Select(s => new SystemHealth(s, null, null, null, null, null, null)).ToArray(),
            Partial: true,
            Error: "No monitoring service is configured: no data."));
}
