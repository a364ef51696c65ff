using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using ReleaseManagement.Api.Auth;
using ReleaseManagement.Api.Dashboard;

namespace ReleaseFunctions.Functions;

/// <summary>The dashboard's dev sign-in (<c>/api/dashboard/sign-in</c>): 404 unless <c>Auth__Mode</c> is Development.</summary>
public sealed class DevSignInPage(DevSignIn signIn)
{
    public const string ShowFunction = "DashboardDevSignIn";
    public const string SignInFunction = "DashboardDevSignInPost";

    [Function(ShowFunction)]
    public IResult Show(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = DashboardRoutes.SignInRoute)] HttpRequest request) =>
        signIn.Show(request);

    [Function(SignInFunction)]
    public Task<IResult> SignIn(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = DashboardRoutes.SignInRoute)] HttpRequest request,
        CancellationToken cancellationToken) =>
        signIn.SignInAsync(request, cancellationToken);
}
