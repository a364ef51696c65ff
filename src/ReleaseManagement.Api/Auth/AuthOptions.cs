namespace ReleaseManagement.Api.Auth;

/// <summary>Who the app takes a caller to be (<see cref="AuthOptions.Mode"/>).</summary>
public enum AuthMode
{
    /// <summary>
    /// Behind App Service authentication (Easy Auth): every route but <see cref="AnonymousRoutes"/> needs the principal
    /// header <c>X-MS-CLIENT-PRINCIPAL</c> (401 without it). The platform removes that header from clients' requests, so
    /// it is trusted; without App Service authentication in front, anyone could send it.
    /// </summary>
    AppService,

    /// <summary>
    /// A developer machine: a request without a principal is served as before (the body names the actor); the dashboard's
    /// dev sign-in (<see cref="DevSignIn"/>) and the same header as in Azure name the person.
    /// </summary>
    Development,
}

/// <summary>Settings under <c>Auth</c> (app settings <c>Auth__*</c>), validated at start-up.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary><see cref="AuthMode.AppService"/> (the default, and what the infra sets) or <see cref="AuthMode.Development"/> (the local host's default).</summary>
    public AuthMode Mode { get; set; } = AuthMode.AppService;
}
