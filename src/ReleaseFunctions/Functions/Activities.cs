using Microsoft.Azure.Functions.Worker;
using ReleaseManagement.Activities;
using ReleaseManagement.Events;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseFunctions.Functions;

/// <summary>Activity triggers, one per <see cref="ActivityNames"/> entry: each calls the core activity resolved from the container.</summary>
public sealed class Activities(
    RecordReleaseStatus recordReleaseStatus,
    RequestApprovals requestApprovals,
    CloseApprovalStage closeApprovalStage,
    RequestDeployment requestDeployment,
    CheckReleaseHealth checkReleaseHealth,
    SendReleaseNotice sendReleaseNotice,
    PublishReleaseEvent publishReleaseEvent,
    CheckConfirmation checkConfirmation,
    AnalyseCanary analyseCanary,
    SetFeatureFlag setFeatureFlag)
{
    /// <summary>What an orchestration reports about its release, in order, in one activity.</summary>
    [Function(ActivityNames.RecordReleaseStatus)]
    public async Task<bool> RecordReleaseStatus([ActivityTrigger] ReleaseWrite[] writes, CancellationToken cancellationToken)
    {
        await recordReleaseStatus.RunAsync(writes, cancellationToken);
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
    public Task<HealthReading> RunCheckReleaseHealth([ActivityTrigger] HealthQuery query, CancellationToken cancellationToken) =>
        checkReleaseHealth.RunAsync(query, cancellationToken);

    [Function(ActivityNames.SendReleaseNotice)]
    public Task<int> RunSendReleaseNotice([ActivityTrigger] ReleaseNotice input, CancellationToken cancellationToken) =>
        sendReleaseNotice.RunAsync(input, cancellationToken);

    [Function(ActivityNames.CheckConfirmation)]
    public Task<ConfirmationState> RunCheckConfirmation([ActivityTrigger] ConfirmationQuery query, CancellationToken cancellationToken) =>
        checkConfirmation.RunAsync(query, cancellationToken);

    [Function(ActivityNames.AnalyseCanary)]
    public Task<CanaryAnalysisResult> RunAnalyseCanary([ActivityTrigger] AnalyseCanaryInput input, CancellationToken cancellationToken) =>
        analyseCanary.RunAsync(input, cancellationToken);

    [Function(ActivityNames.PublishReleaseEvent)]
    public async Task<bool> RunPublishReleaseEvent([ActivityTrigger] ReleaseEvent evt, CancellationToken cancellationToken)
    {
        await publishReleaseEvent.RunAsync(evt, cancellationToken);
        return true;
    }

    [Function(ActivityNames.SetFeatureFlag)]
    public Task<bool> RunSetFeatureFlag([ActivityTrigger] FeatureFlagChange input, CancellationToken cancellationToken) =>
        setFeatureFlag.RunAsync(input, cancellationToken);
}
