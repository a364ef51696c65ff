using ReleaseManagement.Events;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// One request to the pipeline (a deployment, a step of one, or a rollback) for some of the release's systems, and the wait
/// for its reports. Under lifecycle version 2 a release of several systems waits for every system's report (each shown as
/// that system's progress); a release of one system, or one started on version 1, takes the first report for the environment.
/// </summary>
internal sealed class PipelineCall(LifecycleState state, StatusRecorder status, LifecycleWait wait)
{
    /// <summary>Null failure when every system reported success; <c>RollBack</c> says whether the failure may have changed the environment.</summary>
    public async Task<(string? Failure, bool RollBack)> RunAsync(
        DeploymentEnvironment environment, IReadOnlyList<string> systems, bool rollback, string? reason, DeploymentStepRequest? step = null, TimeSpan? stepTimeout = null)
    {
        var env = ReleaseStages.Lower(environment);
        state.Phase = rollback ? ReleasePhase.Validation : ReleasePhase.Deployment;
        var strategy = state.StrategyName;
        var partial = systems.Count < state.Release.Systems.Count ? $" of {string.Join(", ", systems)}" : string.Empty;
        var stepped = step is not null && !rollback;
        var what = stepped ? $"{Sentence(Describe(strategy, step!))} in {env}{partial}" : $"{(rollback ? "Rollback of" : "Deployment to")} {env}{partial}";
        var requestId = state.Context.NewGuid().ToString("N");
        var since = state.Inbox.Events.Count;
        state.DeploymentUnderWay = $"{(rollback ? "a rollback of" : "a deployment to")} {env} is under way";
        try
        {
            await status.FlushAsync();
            var request = new DeploymentRequest(requestId, state.ReleaseId, env, strategy, systems, rollback, reason, step);
            if (!rollback)
            {
                state.Touch(environment, systems, step);
            }

            var asked = stepped ? $"{Describe(strategy, step!)} in {env}{partial}" : $"the {(rollback ? "rollback of" : "deployment to")} {env}{partial}";
            await state.Effects.RunAsync(Effect.Deployment($"the request of {asked}"), () => state.Context.RequestDeploymentAsync(request));
            await status.RecordAsync(rollback
                ? new StatusRecord($"Rollback of {env}{partial} requested: {reason}" + (step is { } undo ? $" (undoing {Describe(strategy, undo)})." : string.Empty),
                    ReleaseStages.Rollback(environment), TimelineKinds.Rollback)
                : new StatusRecord(stepped ? $"Deployment to {env}{partial}: {Describe(strategy, step!)} requested." : $"Deployment to {env}{partial} requested ({strategy}).",
                    ReleaseStages.Deploy(environment), TimelineKinds.Deployment));

            // A step's report names it, or names no step (a pipeline that reports each request without one): a report
            // naming another step is a late or early one, not this step's. With several systems, each report names its system.
            var expected = rollback ? CanonicalEventType.ServiceRolledBack : CanonicalEventType.ServiceDeployed;
            var each = state.Version >= 2 && state.Release.Systems.Count > 1;
            CanonicalEvent? Report(string system) => state.Inbox.Events.Skip(since).FirstOrDefault(e =>
                e.Type == expected && string.Equals(e.Environment, env, StringComparison.OrdinalIgnoreCase)
                && (!stepped || e.Attribute(EventAttributes.Step) is not { } named || string.Equals(named, step!.Name, StringComparison.OrdinalIgnoreCase))
                && (!each || string.Equals(e.System, system, StringComparison.OrdinalIgnoreCase)));
            CanonicalEvent? Failed() => systems.Select(Report).FirstOrDefault(e => e?.Outcome is EventOutcomes.Failure or EventOutcomes.Cancelled);

            var timeout = rollback ? state.Input.Timings.RollbackTimeout : stepTimeout ?? state.Input.Timings.DeploymentTimeout;
            var deadline = state.Now.Add(timeout);
            var seen = new List<string>();
            while (seen.Count < systems.Count)
            {
                if (!await wait.UntilAsync(() => Failed() is not null || systems.Any(s => !seen.Contains(s) && Report(s) is not null), deadline))
                {
                    var missing = each ? $" from {string.Join(", ", systems.Where(s => !seen.Contains(s)))}" : string.Empty;
                    return ($"{what} reported no outcome{missing} within {PolicyTime.Describe(timeout)}.", true);
                }

                if (Failed() is { } failed)
                {
                    return ($"{what} {failed.Outcome}" + (each ? $" for {failed.System}" : string.Empty) + (failed.Attribute(EventAttributes.Reason) is { } r ? $": {r}" : "."),
                        failed.Outcome == EventOutcomes.Failure);
                }

                foreach (var system in systems.Where(s => !seen.Contains(s) && Report(s) is not null).ToList())
                {
                    seen.Add(system);
                    if (each)
                    {
                        var waiting = systems.Where(s => !seen.Contains(s)).ToList();
                        await status.TimelineAsync(rollback ? TimelineKinds.Rollback : TimelineKinds.Deployment,
                            $"{system} reported {(rollback ? "rolled back" : "deployed")} in {env} ({seen.Count} of {systems.Count}"
                            + (waiting.Count > 0 ? $"; waiting for {string.Join(", ", waiting)})." : ")."));
                    }
                }
            }
        }
        finally
        {
            state.DeploymentUnderWay = null;
        }

        if (rollback)
        {
            state.Untouch(environment, systems);
        }
        else
        {
            state.Deployed.Add(environment);
        }

        var done = stepped && step!.Number < step.Of ? $"{Sentence(Describe(strategy, step))} reported in {env}{partial}." : rollback ? $"Rolled back in {env}{partial}." : $"Deployed to {env}{partial}.";
        await status.TimelineAsync(rollback ? TimelineKinds.Rollback : TimelineKinds.Deployment, done);
        return (null, false);
    }

    /// <summary>A step in words: <c>step 1 of 3 of canary (canary-10, 10 % of traffic)</c>.</summary>
    internal static string Describe(string strategy, DeploymentStepRequest step) =>
        $"step {step.Number} of {step.Of} of {strategy} ({step.Name}"
        + (step.Weight is { } w ? $", {w} % of traffic" : step.Batch is { } b ? $", {b} % of instances" : step.Swap ? ", the swap" : step.Kind == nameof(StrategyKind.BlueGreen) ? ", the idle slot" : string.Empty)
        + ")";

    internal static string Sentence(string text) => string.Concat(text[..1].ToUpperInvariant(), text.AsSpan(1));
}
