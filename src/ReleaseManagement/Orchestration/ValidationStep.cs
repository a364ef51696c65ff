using System.Globalization;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// The post-deployment validation: one health reading after the production deployment, judged by the same rule
/// (<see cref="HealthBreaches"/>) as the watch; a breach rolls back. It first waits
/// <see cref="SuccessCriteria.ValidationDelay"/> after the deployment on a durable timer (a cancel or rollback request still
/// ends the wait, as in every wait: <see cref="LifecycleWait"/>), then reads the window from the deployment for that long
/// against a baseline as long just before it (<see cref="HealthWindow.AfterDeployment"/>). A zero delay reads at once over
/// the watch's window (<see cref="HealthWindow.For"/>). A reading without the data the thresholds judge (<see cref="HealthData"/>) is
/// never a pass: the policy's <see cref="SuccessCriteria.OnMissingHealthData"/> decides (<see cref="MissingHealthDataStep"/>).
/// </summary>
internal sealed class ValidationStep(LifecycleState state, StatusRecorder status, LifecycleWait wait, DeploymentStep deployment, MissingHealthDataStep missingData)
{
    /// <param name="deployedAt">When the change checked was made (the production deployment, a feature flag's step).</param>
    /// <param name="what">The check in words, as a sentence starts (a feature flag's step: <see cref="FeatureFlagStep"/>).</param>
    /// <param name="key">The check in a notice id.</param>
    public async Task<ReleaseOutcome?> RunAsync(DateTimeOffset deployedAt, string what = "Post-deployment validation", string key = "validation")
    {
        state.Phase = ReleasePhase.Validation;
        var delay = state.Policy.SuccessCriteria.ValidationDelay;
        var query = HealthWindow.For(state.ReleaseId, state.Release.Systems, deployedAt, state.Now);
        if (delay > TimeSpan.Zero)
        {
            var at = deployedAt + delay;
            var local = TimeZoneInfo.ConvertTime(at, PolicyTime.Zone(state.Policy)).ToString("HH:mm", CultureInfo.InvariantCulture);
            await status.RecordAsync(new StatusRecord(
                key == "validation" ? $"Validating at {local}: waiting {PolicyTime.Describe(delay)} for monitoring data."
                    : $"{what}: checking health at {local}, after {PolicyTime.Describe(delay)} of monitoring data.",
                ReleaseStages.Validation, TimelineKinds.Validation));
            await wait.UntilAsync(() => false, at);
            query = HealthWindow.AfterDeployment(state.ReleaseId, state.Release.Systems, deployedAt, delay);
        }

        await status.FlushAsync();
        var reading = await state.Effects.RunAsync(Effect.Health, () => state.Context.CheckReleaseHealthAsync(query), null!);
        if (HealthBreaches.Describe(state.Policy, reading) is { } breach)
        {
            await status.RecordAsync(new StatusRecord($"{what} breached: {breach}", ReleaseStages.Validation, TimelineKinds.Validation));
            return await deployment.RollBackAsync(breach);
        }

        if (HealthData.Missing(reading, state.Release.Systems, state.Policy) is { } missing)
        {
            return await missingData.RunAsync(what, key, ReleaseStages.Validation, ReleaseStages.Validation, TimelineKinds.Validation, missing);
        }

        await status.RecordAsync(new StatusRecord($"{what} passed.", ReleaseStages.Validation, TimelineKinds.Validation));
        return null;
    }
}
