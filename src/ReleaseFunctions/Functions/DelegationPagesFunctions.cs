using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using ReleaseManagement.Api.Dashboard;

namespace ReleaseFunctions.Functions;

/// <summary>The dashboard's delegations page and its forms (<c>/api/dashboard/delegations</c>): bind, call <see cref="DelegationPages"/>, return.</summary>
public sealed class DelegationPagesFunctions(DelegationPages pages)
{
    public const string ShowFunction = "DashboardDelegations";
    public const string CreateFunction = "DashboardDelegate";
    public const string CancelFunction = "DashboardDelegationCancel";

    [Function(ShowFunction)]
    public Task<IResult> Show(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = DashboardRoutes.DelegationsRoute)] HttpRequest request,
        CancellationToken cancellationToken) =>
        pages.ShowAsync(request, cancellationToken);

    [Function(CreateFunction)]
    public Task<IResult> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = DashboardRoutes.DelegationsRoute)] HttpRequest request,
        CancellationToken cancellationToken) =>
        pages.CreateAsync(request, cancellationToken);

    [Function(CancelFunction)]
    public Task<IResult> Cancel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = DashboardRoutes.DelegationCancelRoute)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        pages.CancelAsync(id, request, cancellationToken);
}
