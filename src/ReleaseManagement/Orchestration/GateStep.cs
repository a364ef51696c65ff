using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>Quality gates: evaluated until they pass; a failed or pending item waits for new evidence, an attestation or a waiver.</summary>
internal sealed class GateStep(LifecycleState state, StatusRecorder status, LifecycleWait wait)
{
    /// <param name="recheck">Evaluated again just before a deployment (evidence may have gone stale since,
    /// <see cref="EvidenceFreshness"/>): nothing is recorded when it still passes.</param>
    /// <returns>Whether the gate had to wait (it did not pass at once).</returns>
    /// <param name="environment">The environment promoted into: its <c>environment-configuration</c> item is checked
    /// against its standard (<see cref="EnvironmentConfigurationGate"/>).</param>
    public async Task<bool> RunAsync(
        string stage, IReadOnlyList<GateKind> gates, IReadOnlyList<string> extraItems, bool recheck = false, DeploymentEnvironment? environment = null)
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
            var inputs = state.Inbox.GateInputs();
            var evaluation = EvidenceFreshness.Evaluate(gate, inputs, state.Approvers, state.Now);
            if (environment is { } env)
            {
                evaluation = new GateEvaluation(evaluation.Items.Select((result, i) => EnvironmentConfigurationGate.Is(items[i])
                    ? EnvironmentConfigurationGate.Evaluate(policy, items[i], env, inputs, state.Approvers, state.Now)
                    : result).ToArray());
            }
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
