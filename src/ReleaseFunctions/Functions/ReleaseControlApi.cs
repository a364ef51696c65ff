using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using ReleaseManagement.Api;
using ReleaseManagement.Orchestration;

namespace ReleaseFunctions.Functions;

/// <summary>HTTP triggers that list releases and steer a running one (release control): bind, call the shared handler, return.</summary>
public sealed class ReleaseControlApi(
    ReleaseHandlers releases,
    CancelHandler cancel,
    RescheduleHandler reschedule,
    MilestoneHandler milestones,
    EvidenceHandler evidence,
    RollbackHandler rollback,
    OutageDecisionHandler outage)
{
    [Function(FunctionNames.ListReleases)]
    public Task<IResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Releases)] HttpRequest request,
        CancellationToken cancellationToken) =>
        releases.ListAsync(request, cancellationToken);

    [Function(FunctionNames.CancelRelease)]
    public async Task<IResult> Cancel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.ReleaseCancel)] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken) =>
        await cancel.CancelAsync(id, request, durable, cancellationToken);

    [Function(FunctionNames.RescheduleRelease)]
    public async Task<IResult> Reschedule(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = ApiRoutes.Release)] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken) =>
        await reschedule.RescheduleAsync(id, request, durable, cancellationToken);

    [Function(FunctionNames.RecordMilestone)]
    public async Task<IResult> Milestone(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.ReleaseMilestone)] HttpRequest request,
        string id,
        string name,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken) =>
        await milestones.MilestoneAsync(id, name, request, durable, cancellationToken);

    [Function(FunctionNames.RecordEvidence)]
    public async Task<IResult> Evidence(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.ReleaseEvidence)] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken) =>
        await evidence.EvidenceAsync(id, request, durable, cancellationToken);

    [Function(FunctionNames.RollbackRelease)]
    public async Task<IResult> Rollback(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.ReleaseRollback)] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken) =>
        await rollback.RollbackAsync(id, request, durable, cancellationToken);

    [Function(FunctionNames.RetryReleaseEffect)]
    public async Task<IResult> Retry(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.ReleaseRetry)] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken) =>
        await outage.OutageDecisionAsync(id, OutageAction.Retry, request, durable, cancellationToken);

    [Function(FunctionNames.SkipReleaseEffect)]
    public async Task<IResult> Skip(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.ReleaseSkip)] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken) =>
        await outage.OutageDecisionAsync(id, OutageAction.Skip, request, durable, cancellationToken);
}
