using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using ReleaseManagement.Api;
using ReleaseManagement.Api.Audit;

namespace ReleaseFunctions.Functions;

/// <summary>The release's audit trail: bind, call the shared handler, return.</summary>
public sealed class AuditApi(AuditHandlers audit)
{
    [Function(FunctionNames.GetReleaseAudit)]
    public Task<IResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.ReleaseAudit)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        audit.GetAsync(id, request, cancellationToken);
}
