using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>Development: the policy's milestones in order, then the development gate at Release Candidate.</summary>
internal sealed class DevelopmentStep(LifecycleState state, StatusRecorder status, LifecycleWait wait, GateStep gate)
{
    public async Task RunAsync()
    {
        state.Phase = ReleasePhase.Development;
        var milestones = state.Policy.Promotion.Milestones;
        await status.RecordAsync(new StatusRecord($"Development: waiting for {string.Join(", ", milestones)}.", ReleaseStages.Milestones, TimelineKinds.Phase));
        foreach (var milestone in milestones)
        {
            await wait.UntilAsync(() => state.Inbox.Milestones.Contains(milestone), null);
            await status.TimelineAsync(TimelineKinds.Milestone, $"Milestone {milestone} reached.");
        }

        await gate.RunAsync(ReleaseStages.DevelopmentGate, [GateKind.Development], []);
    }
}
