using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>Quality gates: evaluated until they pass; a failed, pending or stale item waits for new evidence, an attestation or a waiver.</summary>
internal sealed class GateStep(LifecycleState state, StatusRecorder status, LifecycleWait wait)
{
    /// <summary>The gates a promotion step needs and its extra checks, as the release's risk level makes them (<see cref="ReleaseGates.For"/>).</summary>
    public Task<bool> RunAsync(string stage, IReadOnlyList<GateKind> gates, IReadOnlyList<string> extraItems) =>
        RunAsync(stage, ReleaseGates.For(state.Policy, state.Risk, gates, extraItems));

    /// <param name="recheck">Evaluated again just before a deployment (evidence may have gone stale since,
    /// <see cref="EvidenceFreshness"/>): nothing is recorded when it still passes.</param>
    /// <param name="environment">The environment promoted into: its <c>environment-configuration</c> item is checked
    /// against its standard (<see cref="EnvironmentConfigurationGate"/>).</param>
    /// <returns>Whether the gate had to wait (it did not pass at once).</returns>
    public async Task<bool> RunAsync(string stage, EffectiveGate effective, bool recheck = false, DeploymentEnvironment? environment = null)
    {
        state.Stage = stage;
        if (effective.Skipped.Count > 0 && !recheck)
        {
            var risk = state.Risk;
            await status.TimelineAsync(TimelineKinds.Gate,
                $"Gate {stage}: {string.Join(", ", effective.Skipped)} not required at {risk.Level} risk ({risk.Mitigation.TestingDepth} testing).");
        }

        if (effective.IsEmpty)
        {
            return false;
        }

        var gate = effective.Gate;
        string? last = null;
        var waited = false;
        while (true)
        {
            var evaluation = Evaluate(gate, environment);
            var summary = string.Join("; ", evaluation.Items.Select(i => $"{i.Item} {i.Verdict}"));
            if (summary != last && !(recheck && !waited && evaluation.IsSatisfied))
            {
                last = summary;
                await status.RecordAsync(new StatusRecord($"Gate {stage}: {evaluation.Overall}.", stage, TimelineKinds.Gate)
                {
                    Gates = Statuses(evaluation),
                });
            }

            if (evaluation.IsSatisfied)
            {
                return waited;
            }

            waited = true;
            var count = state.Inbox.Events.Count;
            await wait.UntilAsync(() => state.Inbox.Events.Count > count, null);
        }
    }

    /// <summary>The gate's verdicts from everything the release has been told, now (<see cref="StageGate"/>).</summary>
    public GateEvaluation Evaluate(QualityGate gate, DeploymentEnvironment? environment = null) =>
        StageGate.Evaluate(state.Policy, gate, state.Inbox.GateInputs(), state.Approvers, state.Now, environment, state.FourEyes);

    public static IReadOnlyList<GateItemStatus> Statuses(GateEvaluation evaluation) =>
        evaluation.Items.Select(i => new GateItemStatus(i.Item, i.Verdict.ToString(), i.Reason)).ToArray();
}
