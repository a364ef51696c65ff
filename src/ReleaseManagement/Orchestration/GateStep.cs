using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>Quality gates: evaluated until they pass; a failed or pending item waits for new evidence, an attestation or a waiver.</summary>
internal sealed class GateStep(LifecycleState state, StatusRecorder status, LifecycleWait wait)
{
    /// <param name="recheck">Evaluated again just before a deployment (evidence may have gone stale since,
    /// <see cref="EvidenceFreshness"/>): nothing is recorded when it still passes.</param>
    /// <returns>Whether the gate had to wait (it did not pass at once).</returns>
    public async Task<bool> RunAsync(string stage, IReadOnlyList<GateKind> gates, IReadOnlyList<string> extraItems, bool recheck = false)
    {
        state.Stage = stage;
        var policy = state.Policy;
        var items = gates.SelectMany(g => policy.QualityGates[g].Items)
            .Concat(extraItems.Select(id => policy.QualityGates.Values.SelectMany(g => g.Items).First(i => i.Id == id)))
            .DistinctBy(i => i.Id)
            .ToArray();
        if (items.Length == 0)
        {
            return false;
        }

        var gate = new QualityGate { Items = items };
        string? last = null;
        var waited = false;
        while (true)
        {
            var evaluation = EvidenceFreshness.Evaluate(gate, state.Inbox.GateInputs(), state.Approvers, state.Now);
            var summary = string.Join("; ", evaluation.Items.Select(i => $"{i.Item} {i.Verdict}"));
            if (summary != last && !(recheck && !waited && evaluation.IsSatisfied))
            {
                last = summary;
                await status.RecordAsync(new StatusRecord($"Gate {stage}: {evaluation.Overall}.", stage, TimelineKinds.Gate)
                {
                    Gates = evaluation.Items.Select(i => new GateItemStatus(i.Item, i.Verdict.ToString(), i.Reason)).ToArray(),
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
}
