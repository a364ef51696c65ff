using ReleaseManagement.Events;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// The post-release watch and the success criteria. The post-release monitor raises every health reading it takes to the
/// release (<see cref="ReleaseEventNames.Health"/>, folded by the <see cref="ReleaseInbox"/>); the watch judges each with
/// the policy captured at the start (<see cref="HealthBreaches"/>), counts critical incidents, and ends on its own durable
/// timer when the watch duration has passed. The first breach rolls back.
/// </summary>
internal sealed class WatchStep(LifecycleState state, StatusRecorder status, LifecycleWait wait, DeploymentStep deployment)
{
    public async Task<ReleaseOutcome?> RunAsync(DateTimeOffset deployedAt)
    {
        state.Phase = ReleasePhase.PostRelease;
        var criteria = state.Policy.SuccessCriteria;
        await status.RecordAsync(new StatusRecord($"Watching for {PolicyTime.Describe(criteria.WatchDuration)}.", ReleaseStages.Watch, TimelineKinds.Phase));

        var readings = state.Inbox.HealthReadings;
        var first = readings.Count;
        var judged = first;
        string? breach = null;
        string? Breach()
        {
            var incidents = CriticalIncidents(deployedAt);
            if (incidents > criteria.MaxCriticalIssues)
            {
                return $"{incidents} critical incident(s) during the watch (at most {criteria.MaxCriticalIssues} allowed)";
            }

            for (; breach is null && judged < readings.Count; judged++)
            {
                breach = HealthBreaches.Describe(state.Policy, readings[judged]);
            }

            return breach;
        }

        if (await wait.UntilAsync(() => Breach() is not null, deployedAt + criteria.WatchDuration))
        {
            var reason = Breach()!;
            await status.TimelineAsync(TimelineKinds.Watch, $"Watch breached: {reason}");
            return await deployment.RollBackAsync(reason);
        }

        await status.RecordAsync(new StatusRecord(
            $"Watch passed: zero critical issues and performance targets met ({readings.Count - first} health reading(s) judged).",
            ReleaseStages.SuccessCriteria, TimelineKinds.Watch));
        return null;
    }

    private int CriticalIncidents(DateTimeOffset since) => state.Inbox.Events.Count(e =>
        e.Type == CanonicalEventType.IncidentDetected && e.OccurredAt >= since
        && string.Equals(e.Attribute(EventAttributes.Severity), "critical", StringComparison.OrdinalIgnoreCase));
}
