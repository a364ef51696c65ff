using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using ReleaseManagement.Activities;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Releases;

namespace ReleaseFunctions.Functions;

/// <summary>Orchestration triggers: each runs the core orchestrator with its input.</summary>
public static class Orchestrations
{
    [Function(OrchestratorNames.Release)]
    public static Task<ReleaseOutcome> Release([OrchestrationTrigger] TaskOrchestrationContext context) =>
        ReleaseOrchestrator.RunAsync(context, context.GetInput<ReleaseOrchestrationInput>()!);
}

/// <summary>Activity triggers: each calls the core activity resolved from the container.</summary>
public sealed class Activities(RecordReleaseStatus recordReleaseStatus, RequestApprovals requestApprovals, CloseApprovalStage closeApprovalStage)
{
    [Function(ActivityNames.RecordReleaseStatus)]
    public async Task<bool> RecordReleaseStatus([ActivityTrigger] ReleaseStatusUpdate update, CancellationToken cancellationToken)
    {
        await recordReleaseStatus.RunAsync(update, cancellationToken);
        return true;
    }

    [Function(ActivityNames.RequestApprovals)]
    public Task<RequestApprovalsResult> RunRequestApprovals([ActivityTrigger] RequestApprovalsInput input, CancellationToken cancellationToken) =>
        requestApprovals.RunAsync(input, cancellationToken);

    [Function(ActivityNames.CloseApprovalStage)]
    public Task<CloseApprovalStageResult> RunCloseApprovalStage([ActivityTrigger] CloseApprovalStageInput input, CancellationToken cancellationToken) =>
        closeApprovalStage.RunAsync(input, cancellationToken);
}
