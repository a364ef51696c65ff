using Microsoft.DurableTask;
using ReleaseManagement.Activities;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// The T-30 … T+1 communication timeline as durable timers. A new target date (<see cref="RescheduleEvent"/>) re-plans
/// the notices not yet sent; <see cref="StopEvent"/> ends it (the release will not ship); <see cref="FinishEvent"/> says
/// the release is deployed and watched: the post-deployment notices go out now and the timeline ends.
/// Notices already due when the schedule is made are reported as missed, never dropped silently; on version 2 the most
/// recent of them goes out at once, marked late (a release requested late still hears where it stands). A notice
/// after T (T+1) has no timer of its own (<see cref="CommunicationsInput.AfterDeploymentWaitsForIt"/>): it goes out when the
/// release is deployed and watched (the finish event, after the 24-hour watch: a day after the production deployment), so a
/// deployment that slips never has its status report sent before it. On version 3 a notice may ask for a confirmation
/// (<see cref="CommunicationConfirmation"/>, the T-3 readiness): it goes to the confirming roles too, and when the later
/// notice it names comes due unconfirmed the release is warned and the plan's approvers told, until it is confirmed.
/// </summary>
public static class CommunicationsOrchestrator
{
    public const string RescheduleEvent = "comms-reschedule";
    public const string StopEvent = "comms-stop";
    public const string FinishEvent = "comms-finish";

    /// <summary>What the sub-orchestration's instance id adds to its release's id (<see cref="InstanceIdOf"/>).</summary>
    public const string InstanceIdSuffix = "-comms";

    /// <summary>The instance id of a release's timeline: one per release, so a resumed release restarts it under the same id.</summary>
    public static string InstanceIdOf(string releaseId) => releaseId + InstanceIdSuffix;

    /// <summary>The release whose timeline <paramref name="instanceId"/> is, or null when it is not such an id.</summary>
    public static string? ReleaseIdOf(string instanceId) =>
        instanceId.EndsWith(InstanceIdSuffix, StringComparison.Ordinal) && instanceId.Length > InstanceIdSuffix.Length
            ? instanceId[..^InstanceIdSuffix.Length]
            : null;

    /// <summary>The timeline of one release, as the engine runs it (<see cref="CommunicationsTimeline"/>: its state and its steps).</summary>
    public static Task<CommunicationsResult> RunAsync(TaskOrchestrationContext context, CommunicationsInput input) =>
        new CommunicationsTimeline(context, input).RunAsync();
}
