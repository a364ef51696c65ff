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
        var (failure, rollBack) = environment == DeploymentEnvironment.Production && state.Version >= 2 && state.Policy.Deployment.Stepwise
            ? await RunStepsAsync()
            : await RunAsync(environment, rollback: false, reason: null);
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

    /// <summary>
    /// Production under lifecycle version 2: the strategy's steps one at a time (<see cref="DeploymentStrategy"/>), each
    /// asked for, reported, held and judged before the next. A failed step is a failed deployment (rolled back with the
    /// step reached named in the rollback request).
    /// </summary>
    private async Task<(string? Failure, bool RollBack)> RunStepsAsync()
    {
        var (name, strategy) = (state.StrategyName, state.Strategy);
        var steps = strategy.Steps;
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var request = new DeploymentStepRequest(step.Name, i + 1, steps.Count, strategy.Kind.ToString(), step.Weight, step.Batch, step.Swap);
            state.ProductionStep = request;
            if (await RunAsync(DeploymentEnvironment.Production, rollback: false, reason: null, request, step.Timeout) is { Failure: not null } failed)
            {
                return failed;
            }

            if (step.Hold > TimeSpan.Zero)
            {
                var until = state.Now.Add(step.Hold);
                await status.TimelineAsync(TimelineKinds.Deployment,
                    $"Holding {Describe(name, request)} for {PolicyTime.Describe(step.Hold)}{(step.Analyse ? " (analysis window)" : string.Empty)}.");
                await wait.UntilAsync(() => false, until);
            }
        }

        return (null, false);
    }

    /// <summary>A step in words: <c>step 1 of 3 of canary (canary-10, 10 % of traffic)</c>.</summary>
    internal static string Describe(string strategy, DeploymentStepRequest step) =>
        $"step {step.Number} of {step.Of} of {strategy} ({step.Name}"
        + (step.Weight is { } w ? $", {w} % of traffic" : step.Batch is { } b ? $", {b} % of instances" : step.Swap ? ", the swap" : step.Kind == nameof(StrategyKind.BlueGreen) ? ", the idle slot" : string.Empty)
        + ")";

    private static string Sentence(string text) => string.Concat(text[..1].ToUpperInvariant(), text.AsSpan(1));

    /// <summary>Null failure when the pipeline reported success; <c>RollBack</c> says whether the failure may have changed the environment.</summary>
    private async Task<(string? Failure, bool RollBack)> RunAsync(
        DeploymentEnvironment environment, bool rollback, string? reason, DeploymentStepRequest? step = null, TimeSpan? stepTimeout = null)
    {
        var env = ReleaseStages.Lower(environment);
        state.Phase = rollback ? ReleasePhase.Validation : ReleasePhase.Deployment;
        var strategy = state.StrategyName;
        // A rollback of production names the last step asked for: the pipeline knows what to undo (the idle slot, or the swap).
        step ??= rollback && environment == DeploymentEnvironment.Production ? state.ProductionStep : null;
        var requestId = state.Context.NewGuid().ToString("N");
        var since = state.Inbox.Events.Count;
        var what = rollback ? "Rollback of" : "Deployment to";
        state.DeploymentUnderWay = $"{(rollback ? "a rollback of" : "a deployment to")} {env} is under way";
        try
        {
            await status.FlushAsync();
            var request = new DeploymentRequest(requestId, state.ReleaseId, env, strategy, state.Release.Systems, rollback, reason, step);
            var stepped = step is not null && !rollback;
            var asked = stepped ? $"{Describe(strategy, step!)} in {env}" : $"the {(rollback ? "rollback of" : "deployment to")} {env}";
            await state.Effects.RunAsync(Effect.Deployment($"the request of {asked}"), () => state.Context.RequestDeploymentAsync(request));
            await status.RecordAsync(rollback
                ? new StatusRecord($"Rollback of {env} requested: {reason}" + (step is { } undo ? $" (undoing {Describe(strategy, undo)})." : string.Empty),
                    ReleaseStages.Rollback(environment), TimelineKinds.Rollback)
                : new StatusRecord(stepped ? $"Deployment to {env}: {Describe(strategy, step!)} requested." : $"Deployment to {env} requested ({strategy}).",
                    ReleaseStages.Deploy(environment), TimelineKinds.Deployment));

            // A step's report names it, or names no step (a pipeline that reports each request without one): a report
            // naming another step is a late or early one, not this step's.
            var expected = rollback ? CanonicalEventType.ServiceRolledBack : CanonicalEventType.ServiceDeployed;
            CanonicalEvent? Outcome() => state.Inbox.Events.Skip(since).FirstOrDefault(e =>
                e.Type == expected && string.Equals(e.Environment, env, StringComparison.OrdinalIgnoreCase)
                && (!stepped || e.Attribute(EventAttributes.Step) is not { } named || string.Equals(named, step!.Name, StringComparison.OrdinalIgnoreCase)));

            var timeout = rollback ? state.Input.Timings.RollbackTimeout : stepTimeout ?? state.Input.Timings.DeploymentTimeout;
            if (!await wait.UntilAsync(() => Outcome() is not null, state.Now.Add(timeout)))
            {
                return ($"{(stepped ? $"{Sentence(Describe(strategy, step!))} in" : what)} {env} reported no outcome within {PolicyTime.Describe(timeout)}.", true);
            }

            var outcome = Outcome()!;
            if (outcome.Outcome == EventOutcomes.Failure || outcome.Outcome == EventOutcomes.Cancelled)
            {
                return ($"{(stepped ? $"{Sentence(Describe(strategy, step!))} in" : what)} {env} {outcome.Outcome}" + (outcome.Attribute(EventAttributes.Reason) is { } r ? $": {r}" : "."),
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
            state.ProductionStep = environment == DeploymentEnvironment.Production ? null : state.ProductionStep;
        }
        else
        {
            state.Deployed.Add(environment);
        }

        var done = step is { } s && !rollback && s.Number < s.Of ? $"{Sentence(Describe(strategy, s))} reported in {env}."
            : rollback ? $"Rolled back in {env}." : $"Deployed to {env}.";
        await status.TimelineAsync(rollback ? TimelineKinds.Rollback : TimelineKinds.Deployment, done);
        return (null, false);
    }
}
