using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using ReleaseManagement.Activities;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseFunctions.Functions;

/// <summary>Orchestration triggers: each runs the core orchestrator with its input.</summary>
public static class Orchestrations
{
    [Function(OrchestratorNames.Release)]
    public static Task<ReleaseOutcome> Release([OrchestrationTrigger] TaskOrchestrationContext context) =>
        ReleaseOrchestrator.RunAsync(context, context.GetInput<ReleaseOrchestrationInput>()!);

    [Function(OrchestratorNames.Communications)]
    public static Task<CommunicationsResult> Communications([OrchestrationTrigger] TaskOrchestrationContext context) =>
        CommunicationsOrchestrator.RunAsync(context, context.GetInput<CommunicationsInput>()!);

    [Function(OrchestratorNames.Watch)]
    public static Task<WatchResult> Watch([OrchestrationTrigger] TaskOrchestrationContext context) =>
        WatchOrchestrator.RunAsync(context, context.GetInput<WatchInput>()!);
}

/// <summary>Activity triggers: each calls the core activity resolved from the container.</summary>
public sealed class Activities(
    RecordReleaseStatus recordReleaseStatus,
    RequestApprovals requestApprovals,
    CloseApprovalStage closeApprovalStage,
    RequestDeployment requestDeployment,
    CheckReleaseHealth checkReleaseHealth,
    SendReleaseNotice sendReleaseNotice)
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

    [Function(ActivityNames.RequestDeployment)]
    public Task<bool> RunRequestDeployment([ActivityTrigger] DeploymentRequest input, CancellationToken cancellationToken) =>
        requestDeployment.RunAsync(input, cancellationToken);

    [Function(ActivityNames.CheckReleaseHealth)]
    public Task<HealthCheckResult> RunCheckReleaseHealth([ActivityTrigger] HealthCheckInput input, CancellationToken cancellationToken) =>
        checkReleaseHealth.RunAsync(input, cancellationToken);

    [Function(ActivityNames.SendReleaseNotice)]
    public Task<int> RunSendReleaseNotice([ActivityTrigger] ReleaseNotice input, CancellationToken cancellationToken) =>
        sendReleaseNotice.RunAsync(input, cancellationToken);
}
