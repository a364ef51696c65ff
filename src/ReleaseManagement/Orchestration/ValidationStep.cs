using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// The post-deployment validation: one health reading right after the production deployment, over the same window and
/// judged by the same rule (<see cref="HealthWindow"/>, <see cref="HealthBreaches"/>) as the watch; a breach rolls back.
/// A reading without the data the thresholds judge (<see cref="HealthData"/>) is never a pass: the policy's
/// <see cref="SuccessCriteria.OnMissingHealthData"/> decides (<see cref="MissingHealthDataStep"/>).
/// </summary>
internal sealed class ValidationStep(LifecycleState state, StatusRecorder status, DeploymentStep deployment, MissingHealthDataStep missingData)
{
    public async Task<ReleaseOutcome?> RunAsync(DateTimeOffset deployedAt)
    {
        state.Phase = ReleasePhase.Validation;
        var reading = await state.Context.CheckReleaseHealthAsync(HealthWindow.For(state.ReleaseId, state.Release.Systems, deployedAt, state.Now));
        if (HealthBreaches.Describe(state.Policy, reading) is { } breach)
        {
            await status.RecordAsync(new StatusRecord($"Post-deployment validation breached: {breach}", ReleaseStages.Validation, TimelineKinds.Validation));
            return await deployment.RollBackAsync(breach);
        }

        if (HealthData.Missing(reading, state.Release.Systems, state.Policy) is { } missing)
        {
            return await missingData.RunAsync("Post-deployment validation", "validation", ReleaseStages.Validation, ReleaseStages.Validation, TimelineKinds.Validation, missing);
        }

        await status.RecordAsync(new StatusRecord("Post-deployment validation passed.", ReleaseStages.Validation, TimelineKinds.Validation));
        return null;
    }
}
