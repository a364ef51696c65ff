using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>Quality gates: evaluated until they pass; a failed or pending item waits for new evidence, an attestation or a waiver.</summary>
internal sealed class GateStep(LifecycleState state, StatusRecorder status, LifecycleWait wait)
{
    public async Task RunAsync(string stage, IReadOnlyList<GateKind> gates, IReadOnlyList<string> extraItems)
    {
        state.Stage = stage;
        var policy = state.Policy;
        var items = gates.SelectMany(g => policy.QualityGates[g].Items)
            .Concat(extraItems.Select(id => policy.QualityGates.Values.SelectMany(g => g.Items).First(i => i.Id == id)))
            .DistinctBy(i => i.Id)
            .ToArray();
        if (items.Length == 0)
        {
            return;
        }

        var gate = new QualityGate { Items = items };
        string? last = null;
        while (true)
        {
            var evaluation = GateEvaluator.Evaluate(gate, state.Inbox.GateInputs(), state.Approvers);
            var summary = string.Join("; ", evaluation.Items.Select(i => $"{i.Item} {i.Verdict}"));
            if (summary != last)
            {
                last = summary;
                await status.RecordAsync(new StatusRecord($"Gate {stage}: {evaluation.Overall}.", stage, TimelineKinds.Gate)
                {
                    Gates = evaluation.Items.Select(i => new GateItemStatus(i.Item, i.Verdict.ToString(), i.Reason)).ToArray(),
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
}
