using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// The post-deployment validation: one health reading right after the production deployment, over the same window and
/// judged by the same rule (<see cref="HealthWindow"/>, <see cref="HealthBreaches"/>) as the watch; a breach rolls back.
/// </summary>
internal sealed class ValidationStep(LifecycleState state, StatusRecorder status, DeploymentStep deployment)
{
    public async Task<ReleaseOutcome?> RunAsync(DateTimeOffset deployedAt)
    {
        state.Phase = ReleasePhase.Validation;
        var reading = await state.Context.CheckReleaseHealthAsync(HealthWindow.For(state.ReleaseId, state.Release.Systems, deployedAt, state.Now));
        var breach = HealthBreaches.Describe(state.Policy, reading);
        await status.RecordAsync(new StatusRecord(
            breach is null ? "Post-deployment validation passed." : $"Post-deployment validation breached: {breach}",
            ReleaseStages.Validation, TimelineKinds.Validation));
        return breach is null ? null : await deployment.RollBackAsync(breach);
    }
}
