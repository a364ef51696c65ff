using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Policy;

namespace ReleaseManagement.Api.Auth;

/// <summary>
/// The first step of every HTTP request in both hosts (the local host's middleware, <see cref="UseAuthGate"/>; the Functions
/// app's worker middleware): in <see cref="AuthMode.AppService"/> mode a request to any route but
/// <see cref="AnonymousRoutes"/> without the App Service principal is answered 401 (a problem body) before any handler runs,
/// so nothing is stored. In <see cref="AuthMode.Development"/> mode the dev sign-in's cookie (<see cref="DevSignIn"/>) is
/// turned into that same principal header, so handlers read one identity (<see cref="AppServicePrincipal.From"/>) in both modes.
/// </summary>
public sealed class AuthGate(IOptions<AuthOptions> options, ReleasePolicy policy)
{
    public AuthMode Mode => options.Value.Mode;

    /// <summary>True when the request may go on; false when the 401 was written.</summary>
    public async Task<bool> AdmitAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var request = http.Request;
        if (Mode == AuthMode.Development)
        {
            if (!request.Headers.ContainsKey(AppServicePrincipal.Header) && DevSignIn.PersonOf(request, policy) is { } person)
            {
                request.Headers[AppServicePrincipal.Header] = AppServicePrincipal.Encode(person, DevSignIn.AuthType);
            }

            return true;
        }

        if (AnonymousRoutes.IsAnonymous(request.Path.Value) || AppServicePrincipal.From(request) is not null)
        {
            return true;
        }

        await Problems.Unauthorized(
                "Sign-in required.",
                "This route needs a signed-in user (App Service authentication, header X-MS-CLIENT-PRINCIPAL). Nothing was done.")
            .ExecuteAsync(http);
        return false;
    }

    /// <summary>The gate as ASP.NET Core middleware (the local host), before the endpoints.</summary>
    public static IApplicationBuilder UseAuthGate(IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Use(async (http, next) =>
        {
            if (await http.RequestServices.GetRequiredService<AuthGate>().AdmitAsync(http))
            {
                await next(http);
            }
        });
    }
}
