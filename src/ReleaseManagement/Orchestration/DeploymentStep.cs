using ReleaseManagement.Events;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>A deployment or a rollback: asks the pipeline, then waits for it to report the outcome (or for the timeout).</summary>
internal sealed class DeploymentStep(LifecycleState state, StatusRecorder status, LifecycleWait wait)
{
    /// <summary>
    /// Returns null when deployed, else the outcome that ends the release. A failed production deployment (a failure
    /// reported, or no outcome in time) is rolled back when <see cref="DeploymentPolicy.RollbackOnFailedProductionDeployment"/>
    /// says so: the release then ends RolledBack (or Failed when the rollback fails too).
    /// </summary>
    public async Task<ReleaseOutcome?> DeployAsync(DeploymentEnvironment environment)
    {
        var (failure, rollBack) = await RunAsync(environment, rollback: false, reason: null);
        if (failure is null)
        {
            return null;
        }

        if (rollBack && environment == DeploymentEnvironment.Production && state.Policy.Deployment.RollbackOnFailedProductionDeployment)
        {
            await status.TimelineAsync(TimelineKinds.Rollback, $"{failure} Rolling production back (deployment.rollbackOnFailedProductionDeployment).");
            return await RollBackAsync(failure.TrimEnd('.'));
        }

        return new ReleaseOutcome(ReleaseStatus.Failed, failure);
    }

    /// <summary>Rolls production back: the release ends RolledBack, or Failed when the rollback fails.</summary>
    public async Task<ReleaseOutcome> RollBackAsync(string reason) =>
        await RollBackAsync(DeploymentEnvironment.Production, reason)
        ?? new ReleaseOutcome(ReleaseStatus.RolledBack, $"Rolled back: {reason}");

    /// <summary>Rolls <paramref name="environment"/> back: null when rolled back, else the Failed outcome that ends the release.</summary>
    public async Task<ReleaseOutcome?> RollBackAsync(DeploymentEnvironment environment, string reason) =>
        (await RunAsync(environment, rollback: true, reason)).Failure is { } failure ? new ReleaseOutcome(ReleaseStatus.Failed, failure) : null;

    /// <summary>Null failure when the pipeline reported success; <c>RollBack</c> says whether the failure may have changed the environment.</summary>
    private async Task<(string? Failure, bool RollBack)> RunAsync(DeploymentEnvironment environment, bool rollback, string? reason)
    {
        var env = ReleaseStages.Lower(environment);
        state.Phase = rollback ? ReleasePhase.Validation : ReleasePhase.Deployment;
        var strategy = state.Risk.Mitigation.PhasedRolloutRequired ? "canary" : "blue-green";
        var requestId = state.Context.NewGuid().ToString("N");
        var since = state.Inbox.Events.Count;
        var what = rollback ? "Rollback of" : "Deployment to";
        state.DeploymentUnderWay = $"{(rollback ? "a rollback of" : "a deployment to")} {env} is under way";
        try
        {
            await status.FlushAsync();
            var request = new DeploymentRequest(requestId, state.ReleaseId, env, strategy, state.Release.Systems, rollback, reason);
            await state.Effects.RunAsync(Effect.Deployment($"the request of the {(rollback ? "rollback of" : "deployment to")} {env}"),
                () => state.Context.RequestDeploymentAsync(request));
            await status.RecordAsync(rollback
                ? new StatusRecord($"Rollback of {env} requested: {reason}", ReleaseStages.Rollback(environment), TimelineKinds.Rollback)
                : new StatusRecord($"Deployment to {env} requested ({strategy}).", ReleaseStages.Deploy(environment), TimelineKinds.Deployment));

            var expected = rollback ? CanonicalEventType.ServiceRolledBack : CanonicalEventType.ServiceDeployed;
            CanonicalEvent? Outcome() => state.Inbox.Events.Skip(since).FirstOrDefault(e =>
                e.Type == expected && string.Equals(e.Environment, env, StringComparison.OrdinalIgnoreCase));

            var timeout = rollback ? state.Input.Timings.RollbackTimeout : state.Input.Timings.DeploymentTimeout;
            if (!await wait.UntilAsync(() => Outcome() is not null, state.Now.Add(timeout)))
            {
                return ($"{what} {env} reported no outcome within {PolicyTime.Describe(timeout)}.", true);
            }

            var outcome = Outcome()!;
            if (outcome.Outcome == EventOutcomes.Failure || outcome.Outcome == EventOutcomes.Cancelled)
            {
                return ($"{what} {env} {outcome.Outcome}" + (outcome.Attribute(EventAttributes.Reason) is { } r ? $": {r}" : "."),
                    outcome.Outcome == EventOutcomes.Failure);
            }
        }
        finally
        {
            state.DeploymentUnderWay = null;
        }

        if (rollback)
        {
            state.Deployed.Remove(environment);
        }
        else
        {
            state.Deployed.Add(environment);
        }

        await status.TimelineAsync(rollback ? TimelineKinds.Rollback : TimelineKinds.Deployment, rollback ? $"Rolled back in {env}." : $"Deployed to {env}.");
        return (null, false);
    }
}
