using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ReleaseManagement.Metrics.Tests;

/// <summary>Runs a handler's IResult against a real HttpContext and reads the response.</summary>
internal static class Http
{
    private static readonly IServiceProvider Services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();

    public sealed record Answer(int Status, string? ContentType, string Body);

    public static async Task<Answer> InvokeAsync(Func<HttpContext, Task<IResult>> handler, string? accept = null, string query = "")
    {
        var context = new DefaultHttpContext { RequestServices = Services };
        context.Request.Method = "GET";
        context.Request.QueryString = new QueryString(query);
        if (accept is not null)
        {
            context.Request.Headers.Accept = accept;
        }

        context.Response.Body = new MemoryStream();
        var result = await handler(context);
        await result.ExecuteAsync(context);
        context.Response.Body.Position = 0;
        return new Answer(context.Response.StatusCode, context.Response.ContentType, await new StreamReader(context.Response.Body).ReadToEndAsync());
    }
}
