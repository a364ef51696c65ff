using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;
using ReleaseManagement.Api;

namespace ReleaseFunctions;

/// <summary>
/// The Functions host's counterpart of the local host's <c>UseExceptionHandler</c>: an exception an HTTP trigger did not
/// catch is answered by <see cref="UnhandledProblems"/> (503 when storage is unavailable, else 500; the exception is logged,
/// never echoed). Other triggers rethrow, so their retries and poison handling stay the runtime's.
/// </summary>
internal sealed class ProblemMiddleware(ILogger<ProblemMiddleware> log) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception e) when (context.GetHttpContext() is { Response.HasStarted: false } http)
        {
            await UnhandledProblems.WriteAsync(http, e, log);
        }
    }
}
