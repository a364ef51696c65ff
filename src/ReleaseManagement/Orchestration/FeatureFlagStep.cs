using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// The release's feature flags (<see cref="ReleaseRequest.FeatureFlags"/>), after the post-deployment validation (lifecycle
/// version 2): each flag turned on step by step (5 %, 25 %, 100 %...), each step but the last checked like the production
/// deployment (<see cref="ValidationStep"/>: the validation delay, one health reading judged by the policy's thresholds;
/// missing data goes to <c>onMissingHealthData</c>). A breach turns every flag off and rolls production back. A rollback of
/// production at any later point (the watch) turns them off first (<see cref="TurnOffAsync"/>).
/// </summary>
internal sealed class FeatureFlagStep(LifecycleState state, StatusRecorder status)
{
    /// <summary>Null to go on; else the outcome that ended the release.</summary>
    public async Task<ReleaseOutcome?> RunAsync(ValidationStep validation)
    {
        if (state.Version < 2 || state.Release.FeatureFlags is not { Count: > 0 } flags)
        {
            return null;
        }

        foreach (var flag in flags)
        {
            for (var i = 0; i < flag.Steps.Count; i++)
            {
                var percentage = flag.Steps[i];
                await SetAsync(flag.Name, true, percentage, $"release {state.ReleaseId}: step {i + 1} of {flag.Steps.Count}");
                await status.RecordAsync(new StatusRecord($"Feature flag {flag.Name} on for {percentage} % (step {i + 1} of {flag.Steps.Count}).",
                    ReleaseStages.Validation, TimelineKinds.Deployment));
                if (i < flag.Steps.Count - 1
                    && await validation.RunAsync(state.Now, $"Feature flag {flag.Name} at {percentage} %", $"flag-{flag.Name}-{percentage}") is { } ended)
                {
                    return ended;
                }
            }
        }

        return null;
    }

    /// <summary>Turns off every flag this release turned on, last first (before a rollback of production).</summary>
    public async Task TurnOffAsync(string reason)
    {
        foreach (var flag in state.FlagsOn.ToArray().Reverse())
        {
            await SetAsync(flag, false, 0, $"rollback: {reason}");
            await status.TimelineAsync(TimelineKinds.Rollback, $"Feature flag {flag} turned off before the rollback.");
        }
    }

    private async Task SetAsync(string flag, bool enabled, int percentage, string reason)
    {
        await status.FlushAsync();
        var change = new FeatureFlagChange(state.Context.NewGuid().ToString("N"), state.ReleaseId, flag, enabled, percentage, reason);
        await state.Effects.RunAsync(Effect.FeatureFlag(enabled ? $"feature flag {flag} at {percentage} %" : $"turning feature flag {flag} off"),
            () => state.Context.SetFeatureFlagAsync(change));
        state.FlagsOn.Remove(flag);
        if (enabled)
        {
            state.FlagsOn.Add(flag);
        }
    }
}
