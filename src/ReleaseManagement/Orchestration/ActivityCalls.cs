using Microsoft.DurableTask;
using ReleaseManagement.Activities;
using ReleaseManagement.Events;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// Typed calls of every activity, as the Durable Task source generator would write them: one method per activity, with
/// its input and output types and its retry policy, so an orchestration never spells an activity name or a type
/// argument. Orchestrations call activities only through these, and so a resumed release's run gets the effects its
/// earlier run completed answered from its journal (<see cref="EffectJournal"/>) instead of doing them again.
/// </summary>
public static class ActivityCalls
{
    /// <summary>
    /// Activities retry a bounded number of times with backoff; they are idempotent, so a retry is safe. An effect that
    /// still fails is not the end of the release: the lifecycle waits the outage out on durable timers (<see cref="EffectGuard"/>).
    /// </summary>
    public static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: 5,
        firstRetryInterval: TimeSpan.FromSeconds(1),
        backoffCoefficient: 2,
        maxRetryInterval: TimeSpan.FromSeconds(30)));

    /// <summary>
    /// <see cref="RecordReleaseStatus"/>: writes what the orchestration reports about its release (status changes,
    /// timeline notes, warnings set or cleared), in order.
    /// </summary>
    public static Task RecordReleaseStatusAsync(this TaskOrchestrationContext context, ReleaseWrite[] writes) =>
        EffectJournal.CallAsync(context, ActivityNames.RecordReleaseStatus, writes, () => context.CallActivityAsync<bool>(ActivityNames.RecordReleaseStatus, writes, Retry));

    /// <summary>
    /// <see cref="RecordReleaseStatus"/> tried once, no retries: the <c>dependency-unavailable</c> warning of an outage
    /// (<see cref="EffectGuard"/>), which must not hold the release up when storage is what is down.
    /// </summary>
    public static Task RecordReleaseStatusOnceAsync(this TaskOrchestrationContext context, ReleaseWrite[] writes) =>
        EffectJournal.CallAsync(context, ActivityNames.RecordReleaseStatus, writes, () => context.CallActivityAsync<bool>(ActivityNames.RecordReleaseStatus, writes));

    /// <summary><see cref="RequestApprovals"/>: emails one personal approval link per approver.</summary>
    public static Task<RequestApprovalsResult> RequestApprovalsAsync(this TaskOrchestrationContext context, RequestApprovalsInput input) =>
        EffectJournal.CallAsync(context, ActivityNames.RequestApprovals, input, () => context.CallActivityAsync<RequestApprovalsResult>(ActivityNames.RequestApprovals, input, Retry));

    /// <summary><see cref="CloseApprovalStage"/>: closes a decided or expired stage and its outstanding links.</summary>
    public static Task<CloseApprovalStageResult> CloseApprovalStageAsync(this TaskOrchestrationContext context, CloseApprovalStageInput input) =>
        EffectJournal.CallAsync(context, ActivityNames.CloseApprovalStage, input, () => context.CallActivityAsync<CloseApprovalStageResult>(ActivityNames.CloseApprovalStage, input, Retry));

    /// <summary><see cref="RequestDeployment"/>: asks the pipeline to deploy or roll back.</summary>
    public static Task<bool> RequestDeploymentAsync(this TaskOrchestrationContext context, DeploymentRequest request) =>
        EffectJournal.CallAsync(context, ActivityNames.RequestDeployment, request, () => context.CallActivityAsync<bool>(ActivityNames.RequestDeployment, request, Retry));

    /// <summary>
    /// <see cref="CheckConfirmation"/>: whether a communication's confirmation is recorded. A read, so no effect journal: a
    /// resumed run asks again.
    /// </summary>
    public static Task<ConfirmationState> CheckConfirmationAsync(this TaskOrchestrationContext context, ConfirmationQuery query) =>
        context.CallActivityAsync<ConfirmationState>(ActivityNames.CheckConfirmation, query, Retry);

    /// <summary>
    /// <see cref="AnalyseCanary"/>: judges a production step's new version against the baseline over the hold. A read, not
    /// journaled: a resumed release judges again.
    /// </summary>
    public static Task<CanaryAnalysisResult> AnalyseCanaryAsync(this TaskOrchestrationContext context, AnalyseCanaryInput input) =>
        context.CallActivityAsync<CanaryAnalysisResult>(ActivityNames.AnalyseCanary, input, Retry);

    /// <summary><see cref="SetFeatureFlag"/>: sets a feature flag's state (on at a percentage, or off); journaled like every effect on another system.</summary>
    public static Task<bool> SetFeatureFlagAsync(this TaskOrchestrationContext context, Ports.FeatureFlagChange change) =>
        EffectJournal.CallAsync(context, ActivityNames.SetFeatureFlag, change, () => context.CallActivityAsync<bool>(ActivityNames.SetFeatureFlag, change, Retry));

    /// <summary><see cref="CheckReleaseHealth"/>: reads the release's health over the query's window.</summary>
    public static Task<HealthReading> CheckReleaseHealthAsync(this TaskOrchestrationContext context, HealthQuery query) =>
        EffectJournal.CallAsync(context, ActivityNames.CheckReleaseHealth, query, () => context.CallActivityAsync<HealthReading>(ActivityNames.CheckReleaseHealth, query, Retry));

    /// <summary>
    /// <see cref="SendReleaseNotice"/>: emails a notice; returns how many recipients it went to. The call gets its send key
    /// here (<see cref="ReleaseNotice.SendKey"/>): the orchestration's instance and the notice's journal key
    /// (<see cref="EffectJournal.NextKey"/>), so every try of the notice (the activity's retries, an outage's later tries,
    /// a resumed run's) and any second worker running one of them is the same send to <see cref="SendOnce"/>, while the same
    /// notice sent again after it went out is the next. Without a journal, a replay-safe <c>NewGuid</c> per call.
    /// </summary>
    public static Task<int> SendReleaseNoticeAsync(this TaskOrchestrationContext context, ReleaseNotice notice) =>
        EffectJournal.CallAsync(context, ActivityNames.SendReleaseNotice, notice, () => context.CallActivityAsync<int>(ActivityNames.SendReleaseNotice, Keyed(context, notice), Retry));

    /// <summary>
    /// <see cref="SendReleaseNotice"/> tried once, no retries: the release managers' notice of an outage past
    /// <c>resilience.maxOutage</c> (<see cref="EffectGuard"/>), over whichever channel still works.
    /// </summary>
    public static Task<int> SendReleaseNoticeOnceAsync(this TaskOrchestrationContext context, ReleaseNotice notice) =>
        EffectJournal.CallAsync(context, ActivityNames.SendReleaseNotice, notice, () => context.CallActivityAsync<int>(ActivityNames.SendReleaseNotice, Keyed(context, notice)));

    private static ReleaseNotice Keyed(TaskOrchestrationContext context, ReleaseNotice notice) =>
        notice.SendKey is not null ? notice : notice with
        {
            SendKey = EffectJournal.NextKey(context, ActivityNames.SendReleaseNotice, notice) is { } key
                ? $"{context.InstanceId}|{key}"
                : $"{context.InstanceId}|{notice.NoticeId}|{context.NewGuid():N}",
        };

    /// <summary><see cref="PublishReleaseEvent"/>: publishes a release event to other systems.</summary>
    public static Task PublishReleaseEventAsync(this TaskOrchestrationContext context, ReleaseEvent evt) =>
        EffectJournal.CallAsync(context, ActivityNames.PublishReleaseEvent, evt, () => context.CallActivityAsync<bool>(ActivityNames.PublishReleaseEvent, evt, Retry));
}
