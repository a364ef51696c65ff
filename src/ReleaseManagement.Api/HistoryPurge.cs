using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api;

/// <summary>What one history purge did: the cutoff, the ended instances it found past it, those purged and those kept.</summary>
/// <param name="Kept">Ended past the cutoff but kept: their release is still Active (a stranded release, which may be resumed
/// from its history) or has no record.</param>
public sealed record HistoryPurgeRun(DateTimeOffset Cutoff, int Ended, int Purged, int Kept);

/// <summary>
/// The history purge (issue "Scale by design", point 2), on a timer in both hosts (<see cref="Metrics.ScheduledJobs.HistoryPurge"/>,
/// schedule <c>HistoryPurgeSchedule</c>): the Durable Task history of every release orchestration and communication timeline
/// that ended (Completed, Failed or Terminated) longer ago than <see cref="HistoryOptions.Retention"/> is deleted from the task
/// hub, so the engine's tables stop growing with time. What people read is kept: the release record and its timeline, the
/// audit trail, pipeline events, notices; the views read the record, and a release without an instance reads as not running.
/// <para>
/// Only instances whose release has ended (its record no longer <see cref="ReleaseStatus.Active"/>) are purged: an Active
/// release whose instance failed or was terminated is stranded and is resumed from that history (<see cref="ResumeHandler"/>),
/// and nothing starts an ended release's orchestration again, so an instance read as ended stays ended until it is purged.
/// A running, pending or suspended instance is never read (the query asks for ended ones only).
/// </para>
/// <para>
/// The engine's filtered purge (<c>PurgeAllInstancesAsync</c>) filters on the creation time only, which would purge a
/// long-running release that ended yesterday, and cannot ask the release's record; so the ended instances created before the
/// cutoff are listed (an instance created after it cannot have ended before it), those whose last update is before the cutoff
/// kept, and each purged by id. All are listed before any is purged, so no page shifts under the purge. Cost: one query
/// page per 100 ended instances, one record read per release and one purge per instance, once a day.
/// </para>
/// </summary>
public sealed partial class HistoryPurge(IReleaseStore releases, IOptions<HistoryOptions> options, TimeProvider time, ILogger<HistoryPurge> log)
{
    /// <summary>The runtime statuses of an ended instance: the only ones purged.</summary>
    public static IReadOnlyList<OrchestrationRuntimeStatus> Ended { get; } =
        [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated];

    public async Task<HistoryPurgeRun> RunAsync(DurableTaskClient durable, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(durable);
        var cutoff = time.GetUtcNow() - options.Value.Retention;
        var query = new OrchestrationQuery(CreatedTo: cutoff, Statuses: Ended, PageSize: 100, FetchInputsAndOutputs: false);
        var candidates = new List<(string InstanceId, string ReleaseId)>();
        await foreach (var instance in durable.GetAllInstancesAsync(query).WithCancellation(cancellationToken))
        {
            if (instance.LastUpdatedAt < cutoff && Ended.Contains(instance.RuntimeStatus) && ReleaseIdOf(instance) is { } releaseId)
            {
                candidates.Add((instance.InstanceId, releaseId));
            }
        }

        var releaseEnded = new Dictionary<string, bool>(StringComparer.Ordinal);
        var purged = 0;
        foreach (var (instanceId, releaseId) in candidates)
        {
            if (!releaseEnded.TryGetValue(releaseId, out var ended))
            {
                ended = releaseEnded[releaseId] = await releases.GetAsync(releaseId, cancellationToken) is { Status: not ReleaseStatus.Active };
            }

            if (ended)
            {
                purged += (await durable.PurgeInstanceAsync(instanceId, cancellationToken)).PurgedInstanceCount;
            }
        }

        var run = new HistoryPurgeRun(cutoff, candidates.Count, purged, candidates.Count(c => !releaseEnded[c.ReleaseId]));
        LogPurged(log, run.Purged, run.Ended, run.Cutoff, options.Value.Retention, run.Kept);
        return run;
    }

    /// <summary>The release an instance belongs to: its own id for a release orchestration, its parent's for a communication
    /// timeline; null for any other instance (left alone).</summary>
    public static string? ReleaseIdOf(OrchestrationMetadata instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return instance.Name switch
        {
            OrchestratorNames.Release => instance.InstanceId,
            OrchestratorNames.Communications => CommunicationsOrchestrator.ReleaseIdOf(instance.InstanceId),
            _ => null,
        };
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "History purge: {Purged} orchestration instances purged of {Ended} ended before {Cutoff} (retention {Retention}); {Kept} kept (release still Active or unknown)")]
    private static partial void LogPurged(ILogger logger, int purged, int ended, DateTimeOffset cutoff, TimeSpan retention, int kept);
}
