using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReleaseFunctions.TestSupport;
using ReleaseManagement.Azure.Monitoring;

namespace ReleaseManagement.Metrics.Tests;

/// <summary>A request the fake service received.</summary>
internal sealed record ReceivedQuery(string Path, string? Authorization, string? Prefer, string Query, string Timespan);

/// <summary>
/// A local HTTPS server (Kestrel on 127.0.0.1, a free port, a throw-away self-signed certificate) speaking the Log
/// Analytics query REST protocol: <c>POST /v1/workspaces/{id}/query</c> with a bearer token, answering with whatever each
/// test scripts. Azure.Core refuses bearer tokens over plain HTTP, so it must be HTTPS.
/// </summary>
internal sealed class FakeLogAnalytics : IAsyncDisposable
{
    public const string Token = "test-token-0123456789";
    public const string Workspace = "00000000-1111-2222-3333-444444444444";

    private readonly WebApplication _app;
    private readonly X509Certificate2 _certificate;
    private readonly ConcurrentQueue<Func<HttpContext, ReceivedQuery, Task>> _script = new();

    public ConcurrentQueue<ReceivedQuery> Received { get; } = new();

    /// <summary>Answers once the script is exhausted.</summary>
    public Func<HttpContext, ReceivedQuery, Task> Fallback { get; set; } = (c, _) => Json(c, 500, new JsonObject { ["error"] = new JsonObject { ["code"] = "Unscripted", ["message"] = "no answer scripted" } });

    private FakeLogAnalytics(WebApplication app, X509Certificate2 certificate)
    {
        _app = app;
        _certificate = certificate;
    }

    public Uri Endpoint { get; private set; } = null!;

    public static async Task<FakeLogAnalytics> StartAsync()
    {
        var certificate = LoopbackHttps.CreateCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
        var app = builder.Build();
        var fake = new FakeLogAnalytics(app, certificate);
        app.MapPost("/v1/workspaces/{workspace}/query", fake.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.Endpoint = new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
        return fake;
    }

    /// <summary>Queues the answer to the next request.</summary>
    public void Then(Func<HttpContext, ReceivedQuery, Task> answer) => _script.Enqueue(answer);

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        string query = "", timespan = "";
        try
        {
            var json = JsonNode.Parse(body)!;
            query = (string?)json["query"] ?? "";
            timespan = (string?)json["timespan"] ?? "";
        }
        catch (JsonException)
        {
        }

        var received = new ReceivedQuery(context.Request.Path, context.Request.Headers.Authorization, context.Request.Headers["Prefer"], query, timespan);
        Received.Enqueue(received);
        if (received.Authorization != $"Bearer {Token}")
        {
            await Json(context, 401, new JsonObject
            {
                ["error"] = new JsonObject { ["code"] = "AuthorizationRequiredError", ["message"] = "Valid authentication was not provided" },
            });
            return;
        }

        var answer = _script.TryDequeue(out var next) ? next : Fallback;
        await answer(context, received);
    }

    public static Task Json(HttpContext context, int status, JsonNode body, IDictionary<string, string>? headers = null)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        foreach (var (k, v) in headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[k] = v;
        }

        return context.Response.WriteAsync(body.ToJsonString());
    }

    public static Task Raw(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body);
    }

    /// <summary>A success body with one table.</summary>
    public static JsonObject Tables(string name, (string Name, string Type)[] columns, params object?[][] rows) => new()
    {
        ["tables"] = new JsonArray(new JsonObject
        {
            ["name"] = name,
            ["columns"] = new JsonArray(columns.Select(c => (JsonNode)new JsonObject { ["name"] = c.Name, ["type"] = c.Type }).ToArray()),
            ["rows"] = new JsonArray(rows.Select(r => (JsonNode)new JsonArray(r.Select(v => v is null ? null : JsonValue.Create(v) as JsonNode).ToArray())).ToArray()),
        }),
    };

    /// <summary>A client for this server: its certificate trusted, the test token, short retry delays.</summary>
    public LogAnalyticsQueryClient Client(int maxRetries = 3, TokenCredential? credential = null, TimeProvider? time = null)
    {
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && cert.Thumbprint == _certificate.Thumbprint,
        };
        var options = new LogAnalyticsQueryClientOptions
        {
            Transport = new HttpClientTransport(handler),
            MaxRetries = maxRetries,
            RetryDelay = TimeSpan.FromMilliseconds(20),
            TimeProvider = time ?? TimeProvider.System,
        };
        return new LogAnalyticsQueryClient(Endpoint, credential ?? new StaticToken(Token), options);
    }


    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _certificate.Dispose();
    }
}
