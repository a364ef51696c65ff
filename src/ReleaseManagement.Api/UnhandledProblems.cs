using System.Net.Sockets;
using Azure;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ReleaseManagement.Api;

/// <summary>
/// The answer to an exception no handler caught, in both hosts (the local host's <c>UseExceptionHandler</c>, the Functions
/// host's worker middleware): problem details that never echo the exception. Storage that is down, throttling or not
/// answering is a 503 with <c>Retry-After</c> (as the webhooks answer), and so is a request to a release whose orchestration
/// has not started yet (<see cref="ReleaseStartingException"/>); anything else a 500 naming the trace id to quote.
/// The exception itself goes to the log only.
/// </summary>
public sealed partial class UnhandledProblems(ILogger<UnhandledProblems> log) : IExceptionHandler
{
    /// <summary>Seconds a client is asked to wait before sending again after a 503.</summary>
    public const string RetryAfterSeconds = "30";

    /// <summary>Seconds a client is asked to wait when the release it addressed has not started yet (<see cref="ReleaseStartingException"/>).</summary>
    public const string StartingRetryAfterSeconds = "5";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (httpContext.Response.HasStarted || httpContext.RequestAborted.IsCancellationRequested)
        {
            return false;
        }

        await WriteAsync(httpContext, exception, log);
        return true;
    }

    /// <summary>Logs <paramref name="exception"/> and writes its problem details to the response.</summary>
    public static async Task WriteAsync(HttpContext httpContext, Exception exception, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (exception is ReleaseStartingException starting)
        {
            // Not a failure: the release's orchestration is scheduled and will start; nothing was changed.
            LogStarting(logger, httpContext.Request.Method, httpContext.Request.Path.ToString(), starting.ReleaseId);
            httpContext.Response.Clear();
            httpContext.Response.Headers.RetryAfter = StartingRetryAfterSeconds;
            await TypedResults.Problem(
                title: "The release is starting.",
                detail: $"Release '{starting.ReleaseId}' is scheduled but its orchestration has not started yet; nothing was changed. Send the request again in a few seconds.",
                statusCode: StatusCodes.Status503ServiceUnavailable).ExecuteAsync(httpContext);
            return;
        }

        var unavailable = IsStorageUnavailable(exception);
        // The id ASP.NET Core's problem details writer puts in "traceId" too.
        var traceId = System.Diagnostics.Activity.Current?.Id ?? httpContext.TraceIdentifier;
        if (unavailable)
        {
            LogUnavailable(logger, exception, httpContext.Request.Method, httpContext.Request.Path.ToString(), traceId);
        }
        else
        {
            LogUnhandled(logger, exception, httpContext.Request.Method, httpContext.Request.Path.ToString(), traceId);
        }

        httpContext.Response.Clear();
        if (unavailable)
        {
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds;
        }

        var problem = unavailable
            ? TypedResults.Problem(
                title: "Storage is unavailable.",
                detail: "The request could not be completed because storage did not answer; send it again later.",
                statusCode: StatusCodes.Status503ServiceUnavailable,
                extensions: new Dictionary<string, object?> { ["traceId"] = traceId })
            : TypedResults.Problem(
                title: "An unexpected error occurred.",
                detail: $"The request failed on the server; quote trace id {traceId} when reporting it.",
                statusCode: StatusCodes.Status500InternalServerError,
                extensions: new Dictionary<string, object?> { ["traceId"] = traceId });
        await problem.ExecuteAsync(httpContext);
    }

    /// <summary>
    /// Whether <paramref name="exception"/> (or one it wraps: the storage SDK wraps the attempts of its retries in an
    /// <see cref="AggregateException"/>) says storage is down, throttling or not answering, rather than a defect.
    /// </summary>
    public static bool IsStorageUnavailable(Exception exception) => exception switch
    {
        RequestFailedException { Status: 0 or 408 or 429 or >= 500 } => true,
        TimeoutException or HttpRequestException or SocketException => true,

        // The storage SDK's network timeout (it cancels the attempt and throws TaskCanceledException; after its retries, an
        // AggregateException of them). A caller's own cancellation never gets here: the host drops an aborted request.
        OperationCanceledException => true,
        AggregateException a => a.InnerExceptions.Count > 0 && a.InnerExceptions.All(IsStorageUnavailable),
        { InnerException: { } inner } => IsStorageUnavailable(inner),
        _ => false,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path}: release {ReleaseId} has not started yet; answered 503")]
    private static partial void LogStarting(ILogger logger, string method, string path, string releaseId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Storage unavailable for {Method} {Path} (trace {TraceId}): answered 503")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string method, string path, string traceId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception for {Method} {Path} (trace {TraceId}): answered 500")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path, string traceId);
}
