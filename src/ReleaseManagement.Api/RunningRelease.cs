using Microsoft.DurableTask.Client;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api;

/// <summary>
/// The one rule for "the release exists and is running": its record is stored and its orchestration has started and not
/// ended. The steering routes (<see cref="ReleaseControlHandlers"/>), approval decisions and pipeline events all ask here.
/// </summary>
public static class RunningRelease
{
    /// <summary>Whether an orchestration instance is running (started, not completed, failed or terminated).</summary>
    public static bool IsRunning(OrchestrationMetadata? instance) => instance is not null && !instance.IsCompleted;

    /// <summary>Whether the release's orchestration is running (the store is not read).</summary>
    public static async Task<bool> IsRunningAsync(DurableTaskClient durable, string releaseId, CancellationToken cancellationToken) =>
        IsRunning(await durable.GetInstanceAsync(releaseId, cancellationToken));

    /// <summary>The stored release (none for an id that is not a valid release id) and, when stored, its orchestration.</summary>
    public static async Task<ReleaseStanding> CheckAsync(
        IReleaseStore releases, DurableTaskClient durable, string releaseId, CancellationToken cancellationToken)
    {
        var record = ReleaseIds.IsValid(releaseId) ? await releases.GetAsync(releaseId, cancellationToken) : null;
        var instance = record is null ? null : await durable.GetInstanceAsync(releaseId, cancellationToken);
        return new ReleaseStanding(releaseId, record, instance);
    }
}
