using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using ReleaseManagement.Api;
using ReleaseManagement.Api.Approvals;

namespace ReleaseFunctions.Functions;

/// <summary>HTTP triggers of the emailed approval links: GET/HEAD show the page, POST decides.</summary>
public sealed class ApprovalPages(ApprovalPageHandlers pages)
{
    [Function(FunctionNames.ShowApproval)]
    public Task<IResult> Show(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = ApiRoutes.Approval)] HttpRequest request,
        string token,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken) =>
        pages.ShowAsync(token, durable, cancellationToken);

    [Function(FunctionNames.DecideApproval)]
    public Task<IResult> Decide(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.Approval)] HttpRequest request,
        string token,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken) =>
        pages.DecideAsync(token, request, durable, cancellationToken);
}
