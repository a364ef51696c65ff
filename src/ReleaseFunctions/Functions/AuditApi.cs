using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using ReleaseManagement.Api;
using ReleaseManagement.Api.Audit;

namespace ReleaseFunctions.Functions;

/// <summary>A release's audit trail, and every release's in a period: bind, call the shared handler, return.</summary>
public sealed class AuditApi(AuditHandlers audit)
{
    [Function(FunctionNames.GetReleaseAudit)]
    public Task<IResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.ReleaseAudit)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        audit.GetAsync(id, request, cancellationToken);

    [Function(FunctionNames.GetAuditPeriod)]
    public Task<IResult> GetPeriod(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.AuditPeriod)] HttpRequest request,
        CancellationToken cancellationToken) =>
        audit.GetPeriodAsync(request, cancellationToken);
}
