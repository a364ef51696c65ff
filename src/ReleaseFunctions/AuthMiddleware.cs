using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using ReleaseManagement.Api.Auth;

namespace ReleaseFunctions;

/// <summary>
/// The Functions host's counterpart of the local host's <see cref="AuthGate.UseAuthGate"/>: every HTTP trigger passes
/// <see cref="AuthGate"/> first (401 without the App Service principal outside <see cref="AnonymousRoutes"/>, in AppService
/// mode). Other triggers have no HTTP context and pass.
/// </summary>
public sealed class AuthMiddleware(AuthGate gate) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.GetHttpContext() is not { } http || await gate.AdmitAsync(http))
        {
            await next(context);
        }
    }
}
