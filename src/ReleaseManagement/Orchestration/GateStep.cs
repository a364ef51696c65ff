using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>Quality gates: evaluated until they pass; a failed or pending item waits for new evidence, an attestation or a waiver.</summary>
internal sealed class GateStep(LifecycleState state, StatusRecorder status, LifecycleWait wait)
{
    /// <summary>The gates a promotion step needs and its extra checks, as the release's risk level makes them (<see cref="ReleaseGates.For"/>).</summary>
    public Task RunAsync(string stage, IReadOnlyList<GateKind> gates, IReadOnlyList<string> extraItems) =>
        RunAsync(stage, ReleaseGates.For(state.Policy, state.Risk, gates, extraItems));

    public async Task RunAsync(string stage, EffectiveGate effective)
    {
        state.Stage = stage;
        if (effective.Skipped.Count > 0)
        {
            var risk = state.Risk;
            await status.TimelineAsync(TimelineKinds.Gate,
                $"Gate {stage}: {string.Join(", ", effective.Skipped)} not required at {risk.Level} risk ({risk.Mitigation.TestingDepth} testing).");
        }

        if (effective.IsEmpty)
        {
            return;
        }

        var gate = effective.Gate;
        string? last = null;
        while (true)
        {
            var evaluation = Evaluate(gate);
            var summary = string.Join("; ", evaluation.Items.Select(i => $"{i.Item} {i.Verdict}"));
            if (summary != last)
            {
                last = summary;
                await status.RecordAsync(new StatusRecord($"Gate {stage}: {evaluation.Overall}.", stage, TimelineKinds.Gate)
                {
                    Gates = Statuses(evaluation),
                });
            }

            if (evaluation.IsSatisfied)
            {
                return;
            }

            var count = state.Inbox.Events.Count;
            await wait.UntilAsync(() => state.Inbox.Events.Count > count, null);
        }
    }

    /// <summary>The gate's verdicts from everything the release has been told.</summary>
    public GateEvaluation Evaluate(QualityGate gate) => GateEvaluator.Evaluate(gate, state.Inbox.GateInputs(), state.Approvers);

    public static IReadOnlyList<GateItemStatus> Statuses(GateEvaluation evaluation) =>
        evaluation.Items.Select(i => new GateItemStatus(i.Item, i.Verdict.ToString(), i.Reason)).ToArray();
}
