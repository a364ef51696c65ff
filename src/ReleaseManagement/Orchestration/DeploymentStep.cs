using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// A deployment or a rollback of an environment. Under lifecycle version 2 the release's systems go in the order of their
/// <see cref="SystemPolicy.DependsOn"/> (<see cref="DeploymentOrder"/>: a wave asked for once the waves before it are
/// deployed) and production goes step by step when <see cref="DeploymentPolicy.Stepwise"/> says so (each wave through
/// every step, held, before the next wave); a rollback goes back in reverse over the systems asked for. Each request is a
/// <see cref="PipelineCall"/>.
/// </summary>
internal sealed class DeploymentStep(LifecycleState state, StatusRecorder status, LifecycleWait wait)
{
    private readonly PipelineCall _pipeline = new(state, status, wait);

    /// <summary>Production's steps of every wave with their state (the release page's step bar); null until production goes stepwise.</summary>
    private RolloutStep[]? _rollout;

    /// <summary>The analysis at an analysed step's checkpoint; set once by the lifecycle (it needs this step to roll back).</summary>
    public CheckpointAnalysis Checkpoints { get; set; } = null!;

    /// <summary>Turns the release's feature flags off before production is rolled back.</summary>
    private readonly FeatureFlagStep _flags = new(state, status);

    /// <summary>
    /// Returns null when deployed, else the outcome that ends the release. A failed production deployment (a failure
    /// reported, or no outcome in time) is rolled back when <see cref="DeploymentPolicy.RollbackOnFailedProductionDeployment"/>
    /// says so: the release then ends RolledBack (or Failed when the rollback fails too).
    /// </summary>
    public async Task<ReleaseOutcome?> DeployAsync(DeploymentEnvironment environment)
    {
        var stepwise = environment == DeploymentEnvironment.Production && state.Version >= 2 && state.Policy.Deployment.Stepwise;
        string? failure;
        bool rollBack;
        var waves = Waves();
        if (stepwise)
        {
            var steps = state.Strategy.Steps;
            _rollout = [.. waves.SelectMany(w => steps.Select(s => new RolloutStep(s.Name, Label(s), waves.Count > 1 ? string.Join(", ", w) : null, RolloutStates.Pending)))];
        }

        for (var w = 0; w < waves.Count; w++)
        {
            if (stepwise)
            {
                if (await RunStepsAsync(waves, w) is { } ended)
                {
                    return ended;
                }

                continue;
            }

            (failure, rollBack) = await _pipeline.RunAsync(environment, waves[w], rollback: false, reason: null);
            if (failure is not null)
            {
                return await FailedAsync(environment, failure, rollBack);
            }
        }

        return null;
    }

    /// <summary>A failed deployment: production rolled back when the policy says so, else the release fails.</summary>
    private async Task<ReleaseOutcome> FailedAsync(DeploymentEnvironment environment, string failure, bool rollBack)
    {
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

    /// <summary>
    /// Rolls <paramref name="environment"/> back, the waves in reverse over the systems asked for there (each request naming
    /// the step last asked for its systems): null when rolled back, else the Failed outcome that ends the release.
    /// </summary>
    public async Task<ReleaseOutcome?> RollBackAsync(DeploymentEnvironment environment, string reason)
    {
        if (environment == DeploymentEnvironment.Production)
        {
            await _flags.TurnOffAsync(reason);
        }

        var touched = state.Touched(environment);
        var waves = Waves().Reverse()
            .Select(w => (IReadOnlyList<string>)[.. w.Where(s => touched.Any(t => string.Equals(t.System, s, StringComparison.OrdinalIgnoreCase)))])
            .Where(w => w.Count > 0).ToList();
        foreach (var wave in waves.Count > 0 ? waves : [state.Release.Systems])
        {
            var step = touched.FirstOrDefault(t => string.Equals(t.System, wave[0], StringComparison.OrdinalIgnoreCase)).Step;
            if ((await _pipeline.RunAsync(environment, wave, rollback: true, reason, step)).Failure is { } failure)
            {
                return new ReleaseOutcome(ReleaseStatus.Failed, failure);
            }
        }

        if (environment == DeploymentEnvironment.Production && _rollout is not null)
        {
            for (var i = 0; i < _rollout.Length; i++)
            {
                Mark(i, _rollout[i].State == RolloutStates.Pending ? RolloutStates.Pending : RolloutStates.RolledBack);
            }
        }

        return null;
    }

    /// <summary>A step in a few words, for the step bar: <c>idle slot</c>, <c>swap</c>, <c>10 % of traffic</c>, <c>25 % of instances</c>.</summary>
    private static string Label(StrategyStep step) =>
        step.Weight is { } w ? $"{w} % of traffic" : step.Batch is { } b ? $"{b} % of instances" : step.Swap ? "swap" : "idle slot";

    private void Mark(int index, string value)
    {
        _rollout![index] = _rollout[index] with { State = value };
        status.Rollout(new RolloutProgress(state.StrategyName, state.Strategy.Kind.ToString(), [.. _rollout]));
    }

    /// <summary>The release's systems in deployment order (lifecycle version 2); version 1 asked for all of them at once.</summary>
    private IReadOnlyList<IReadOnlyList<string>> Waves() =>
        state.Version >= 2 ? DeploymentOrder.Waves(state.Policy, state.Release.Systems) : [state.Release.Systems];

    /// <summary>
    /// Production for wave <paramref name="w"/>, stepwise: the strategy's steps one at a time (<see cref="DeploymentStrategy"/>),
    /// each asked for, reported, held and, where the step says so, judged (<see cref="CheckpointAnalysis"/>) before the
    /// next. A failed step is a failed deployment; a failed analysis rolls production back (naming the step reached).
    /// Null when every step passed; else the outcome that ended the release.
    /// </summary>
    private async Task<ReleaseOutcome?> RunStepsAsync(IReadOnlyList<IReadOnlyList<string>> waves, int w)
    {
        var (name, strategy, systems) = (state.StrategyName, state.Strategy, waves[w]);
        var steps = strategy.Steps;
        var first = w * steps.Count;
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var request = new DeploymentStepRequest(step.Name, i + 1, steps.Count, strategy.Kind.ToString(), step.Weight, step.Batch, step.Swap);
            Mark(first + i, RolloutStates.Requested);
            if (await _pipeline.RunAsync(DeploymentEnvironment.Production, systems, rollback: false, reason: null, request, step.Timeout) is { Failure: { } failure } failed)
            {
                Mark(first + i, RolloutStates.Failed);
                return await FailedAsync(DeploymentEnvironment.Production, failure, failed.RollBack);
            }

            if (step.Hold > TimeSpan.Zero)
            {
                Mark(first + i, RolloutStates.Holding);
                var (from, until) = (state.Now, state.Now.Add(step.Hold));
                var what = PipelineCall.Describe(name, request) + (waves.Count > 1 ? $" of {string.Join(", ", systems)}" : string.Empty);
                await status.TimelineAsync(TimelineKinds.Deployment, $"Holding {what} for {PolicyTime.Describe(step.Hold)}{(step.Analyse ? " (analysis window)" : string.Empty)}.");
                await wait.UntilAsync(() => false, until);
                if (step.Analyse && await Checkpoints.RunAsync(what, $"analysis-{w + 1}-{step.Name}", systems, from, until, (step.Weight ?? step.Batch) / 100.0) is { } checkpoint)
                {
                    if (checkpoint.Failure is { } analysisFailed)
                    {
                        Mark(first + i, RolloutStates.Failed);
                        await status.TimelineAsync(TimelineKinds.Rollback, $"{analysisFailed} Rolling production back.");
                        return await RollBackAsync(analysisFailed.TrimEnd('.'));
                    }

                    if (checkpoint.Ended is { } ended)
                    {
                        return ended;
                    }
                }
            }

            Mark(first + i, RolloutStates.Done);
        }

        return null;
    }
}
