using ReleaseManagement.Activities;
using ReleaseManagement.Analysis;
using ReleaseManagement.Events;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// The analysis at a production step's checkpoint (<see cref="Policy.StrategyStep.Analyse"/>): for each system of the step,
/// the new version's requests over the hold judged against the baseline's (<see cref="AnalyseCanary"/>, the policy's
/// <c>deployment.analysis</c>). The new version is the one the system's step report named (<see cref="EventAttributes.Version"/>);
/// the baseline the report's <see cref="EventAttributes.Baseline"/>, else every request the new version did not serve.
/// A failed check fails the step (the release rolls back); an inconclusive judgement, or a report naming no version, is
/// missing data: <c>successCriteria.onMissingHealthData</c> decides (<see cref="MissingHealthDataStep"/>), never a pass.
/// An outage of Azure Monitor is waited out (<see cref="EffectGuard"/>).
/// </summary>
internal sealed class CheckpointAnalysis(LifecycleState state, StatusRecorder status, MissingHealthDataStep missing)
{
    /// <summary>What the checkpoint came to: a failure to roll back for, the outcome that already ended the release, or neither (go on).</summary>
    public sealed record Result(string? Failure, ReleaseOutcome? Ended);

    /// <param name="what">The step in words (<c>step 1 of 3 of canary (canary-10, 10 % of traffic)</c>).</param>
    /// <param name="key">The checkpoint in a notice id (a sign-off's notices).</param>
    /// <param name="expectedShare">The share of the traffic the step carries (0 to 1), for the throughput check; null for an idle slot.</param>
    public async Task<Result> RunAsync(string what, string key, IReadOnlyList<string> systems, DateTimeOffset start, DateTimeOffset end, double? expectedShare)
    {
        var failed = new List<string>();
        var unsure = new List<string>();
        foreach (var system in systems)
        {
            var report = state.Inbox.Events.LastOrDefault(e => e.Type == CanonicalEventType.ServiceDeployed
                && string.Equals(e.Environment, "production", StringComparison.OrdinalIgnoreCase)
                && (state.Release.Systems.Count == 1 || string.Equals(e.System, system, StringComparison.OrdinalIgnoreCase)));
            if (report?.Attribute(EventAttributes.Version) is not { } version)
            {
                var why = $"{system}: the pipeline's report named no version to tell the new version's requests from the baseline's";
                unsure.Add(why);
                await status.TimelineAsync(TimelineKinds.Deployment, $"Analysis of {what} not possible for {why}.");
                continue;
            }

            var query = new CanaryQuery(state.ReleaseId, system, "production", version, report.Attribute(EventAttributes.Baseline) ?? string.Empty, start, end);
            await status.FlushAsync();
            var result = await state.Effects.RunAsync(Effect.Analysis($"{what} for {system}"),
                () => state.Context.AnalyseCanaryAsync(new AnalyseCanaryInput(query, state.Policy.Deployment.Analysis, expectedShare)), null!);
            var verdict = result.Verdict ?? CanaryVerdict.NoData(result.Detail ?? "no verdict");
            await status.TimelineAsync(TimelineKinds.Deployment, $"Analysis of {what} for {system} ({version} against {(query.BaselineLabel.Length > 0 ? query.BaselineLabel : "the other versions")}): {verdict.Summary}");
            switch (verdict.Outcome)
            {
                case CanaryOutcome.Fail:
                    failed.Add($"{system}: {verdict.Summary}");
                    break;
                case CanaryOutcome.Inconclusive:
                    unsure.Add($"{system}: {verdict.Summary}");
                    break;
            }
        }

        if (failed.Count > 0)
        {
            return new Result($"The analysis of {what} failed ({string.Join("; ", failed)}).", null);
        }

        if (unsure.Count > 0)
        {
            var stage = ReleaseStages.Deploy(Policy.DeploymentEnvironment.Production);
            return new Result(null, await missing.RunAsync($"Analysis of {what}", key, stage, stage, TimelineKinds.Deployment, string.Join("; ", unsure)));
        }

        return new Result(null, null);
    }
}
