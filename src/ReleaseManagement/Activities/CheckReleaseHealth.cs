using ReleaseManagement.Ports;

namespace ReleaseManagement.Activities;

/// <summary>
/// Reads a release's health through the monitoring port, over the window <see cref="Policy.HealthWindow"/> gives: the
/// same query the post-release monitor batches. The orchestration judges the reading with its captured policy
/// (<see cref="Policy.HealthBreaches"/>). Read-only: safe to retry.
/// </summary>
public sealed class CheckReleaseHealth(IReleaseHealthMonitor monitor)
{
    public Task<HealthReading> RunAsync(HealthQuery query, CancellationToken cancellationToken = default) =>
        monitor.QueryAsync(query, cancellationToken);
}
