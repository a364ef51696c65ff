using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using ReleaseManagement.Api;

namespace ReleaseFunctions.Functions;

/// <summary>HTTP triggers of a release's business objectives: their verdicts, and a person's attestation.</summary>
public sealed class ObjectivesApi(ObjectiveHandlers objectives)
{
    [Function(FunctionNames.GetReleaseObjectives)]
    public Task<IResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.ReleaseObjectives)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        objectives.ListAsync(id, cancellationToken);

    [Function(FunctionNames.AttestObjective)]
    public Task<IResult> Attest(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.ReleaseObjective)] HttpRequest request,
        string id,
        string objective,
        CancellationToken cancellationToken) =>
        objectives.AttestAsync(id, objective, request, cancellationToken);
}
