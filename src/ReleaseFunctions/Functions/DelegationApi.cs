using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using ReleaseManagement.Api;

namespace ReleaseFunctions.Functions;

/// <summary>The HTTP triggers of delegation while away: bind, call the shared handler (<see cref="DelegationHandlers"/>), return.</summary>
public sealed class DelegationApi(DelegationHandlers delegations)
{
    [Function(FunctionNames.CreateDelegation)]
    public Task<IResult> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.Delegations)] HttpRequest request,
        CancellationToken cancellationToken) =>
        delegations.CreateAsync(request, cancellationToken);

    [Function(FunctionNames.ListDelegations)]
    public Task<IResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Delegations)] HttpRequest request,
        CancellationToken cancellationToken) =>
        delegations.ListAsync(request, cancellationToken);

    [Function(FunctionNames.CancelDelegation)]
    public Task<IResult> Cancel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.DelegationCancel)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        delegations.CancelAsync(id, request, cancellationToken);
}
