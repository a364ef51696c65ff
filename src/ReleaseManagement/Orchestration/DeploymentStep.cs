using ReleaseManagement.Events;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>A deployment or a rollback: asks the pipeline, then waits for it to report the outcome (or for the timeout).</summary>
internal sealed class DeploymentStep(LifecycleState state, StatusRecorder status, LifecycleWait wait)
{
    /// <summary>Returns null when deployed, else the outcome that ends the release.</summary>
    public Task<ReleaseOutcome?> DeployAsync(DeploymentEnvironment environment) => RunAsync(environment, rollback: false, reason: null);

    /// <summary>Rolls production back: the release ends RolledBack, or Failed when the rollback fails.</summary>
    public async Task<ReleaseOutcome> RollBackAsync(string reason) =>
        await RunAsync(DeploymentEnvironment.Production, rollback: true, reason)
        ?? new ReleaseOutcome(ReleaseStatus.RolledBack, $"Rolled back: {reason}");

    private async Task<ReleaseOutcome?> RunAsync(DeploymentEnvironment environment, bool rollback, string? reason)
    {
        var env = ReleaseStages.Lower(environment);
        state.Phase = rollback ? ReleasePhase.Validation : ReleasePhase.Deployment;
        var strategy = state.Risk.Mitigation.PhasedRolloutRequired ? "canary" : "blue-green";
        var requestId = state.Context.NewGuid().ToString("N");
        var since = state.Inbox.Events.Count;
        await state.Context.RequestDeploymentAsync(new DeploymentRequest(requestId, state.ReleaseId, env, strategy, state.Release.Systems, rollback, reason));
        await status.RecordAsync(rollback
            ? new StatusRecord($"Rollback of {env} requested: {reason}", ReleaseStages.Rollback(environment), TimelineKinds.Rollback)
            : new StatusRecord($"Deployment to {env} requested ({strategy}).", ReleaseStages.Deploy(environment), TimelineKinds.Deployment));

        var expected = rollback ? CanonicalEventType.ServiceRolledBack : CanonicalEventType.ServiceDeployed;
        CanonicalEvent? Outcome() => state.Inbox.Events.Skip(since).FirstOrDefault(e =>
            e.Type == expected && string.Equals(e.Environment, env, StringComparison.OrdinalIgnoreCase));

        var what = rollback ? "Rollback of" : "Deployment to";
        var timeout = rollback ? state.Input.Timings.RollbackTimeout : state.Input.Timings.DeploymentTimeout;
        if (!await wait.UntilAsync(() => Outcome() is not null, state.Now.Add(timeout)))
        {
            return new ReleaseOutcome(ReleaseStatus.Failed, $"{what} {env} reported no outcome within {PolicyTime.Describe(timeout)}.");
        }

        var outcome = Outcome()!;
        if (outcome.Outcome == EventOutcomes.Failure || outcome.Outcome == EventOutcomes.Cancelled)
        {
            return new ReleaseOutcome(ReleaseStatus.Failed,
                $"{what} {env} {outcome.Outcome}" + (outcome.Attribute(EventAttributes.Reason) is { } r ? $": {r}" : "."));
        }

        await status.TimelineAsync(rollback ? TimelineKinds.Rollback : TimelineKinds.Deployment, rollback ? $"Rolled back in {env}." : $"Deployed to {env}.");
        return null;
    }
}
