using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// One transition of the promotion route (<see cref="PromotionStep"/>): its trigger, its gates and checks (as the risk
/// level makes them), its approval when the change category's route keeps it, the production window when it goes to
/// production, then the deployment.
/// </summary>
internal sealed class RouteStep(
    LifecycleState state, StatusRecorder status, LifecycleWait wait, GateStep gate, ApprovalStep approval, ProductionWindowStep window, DeploymentStep deployment)
{
    /// <summary>Returns null when deployed, else the outcome that ends the release.</summary>
    public async Task<ReleaseOutcome?> RunAsync(PromotionStep step)
    {
        state.Phase = ReleasePhase.Promotion;
        await status.RecordAsync(new StatusRecord(
            $"Promotion {step.From} → {step.To}: waiting for {string.Join(", ", step.Trigger)}.", ReleaseStages.Promotion(step.To), TimelineKinds.Phase));
        await wait.UntilAsync(() => step.Trigger.All(t => state.Inbox.Satisfied(t, state.Policy)), null);
        // The release's required documents are items of its gate before production (none when its policy names none, as
        // for a release started before documents existed: its gates and its sequence of durable actions are unchanged).
        var effective = ReleaseGates.For(state.Policy, state.Risk, step.Gates, step.Validation, ReleaseDocuments.ItemsFor(state.Policy, state.Release.Type, step.To));
        await gate.RunAsync(ReleaseStages.Gate(step.To), effective, environment: step.To);
        if (step.ApprovalStage is { } stage && state.Approvals.RuleOf(stage) is { } rule)
        {
            if (state.Approvals.PreApproves(stage))
            {
                await approval.SkipAsync(stage);
            }
            else if (await approval.RunAsync(stage, rule, effective.Gate, gateBlocks: true, environment: step.To) is { } rejected)
            {
                return rejected;
            }
        }

        var windowed = step.To == DeploymentEnvironment.Production && state.TypePolicy.UsesReleaseWindows;
        if (windowed)
        {
            await window.RunAsync();
        }

        // Evidence with a maxAge must still be fresh at the deployment: when it went stale meanwhile, the gate waits for
        // fresh evidence (and the window is awaited again).
        while (await gate.RunAsync(ReleaseStages.Gate(step.To), effective, recheck: true, environment: step.To) && windowed)
        {
            await window.RunAsync();
        }

        return await deployment.DeployAsync(step.To);
    }
}
