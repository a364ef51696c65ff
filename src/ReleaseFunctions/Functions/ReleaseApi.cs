using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using ReleaseManagement.Api;

namespace ReleaseFunctions.Functions;

/// <summary>HTTP triggers of the release API: bind, call the shared handler, return.</summary>
public sealed class ReleaseApi(ReleaseHandlers releases, DecisionHandlers decisions)
{
    [Function(FunctionNames.CreateRelease)]
    public async Task<IResult> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.Releases)] HttpRequest request,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken) =>
        await releases.CreateAsync(request, durable, cancellationToken);

    [Function(FunctionNames.GetRelease)]
    public Task<IResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Release)] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken) =>
        releases.GetAsync(id, durable, cancellationToken);

    [Function(FunctionNames.DecideRelease)]
    public async Task<IResult> Decide(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.ReleaseDecisions)] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken) =>
        await decisions.DecideAsync(id, request, durable, cancellationToken);

    [Function(FunctionNames.Health)]
    public IResult Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Health)] HttpRequest request) =>
        HealthHandler.Get();
}
