using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ReleaseFunctions.Tests.Support;

/// <summary>How the <see cref="DeploymentReceiver"/> answers.</summary>
public enum ReceiverMode
{
    /// <summary>202, as a pipeline that took the request.</summary>
    Accept,

    /// <summary>500, as a pipeline that is broken.</summary>
    Fail,

    /// <summary>No answer until the caller gives up, as a pipeline that hangs.</summary>
    Hang,
}

/// <summary>One deployment request the receiver got, and how it answered.</summary>
public sealed record ReceivedDeployment(string RequestId, string ReleaseId, string Environment, bool Rollback, int Answer, DateTimeOffset At);

/// <summary>
/// The deployment pipeline's webhook as a chaos test owns it: a local HTTP server (Kestrel on a free loopback port) that
/// answers every <c>POST /deploy</c> as <see cref="Mode"/> says and records each request with its <c>X-Request-Id</c>, so
/// a test can count what was accepted (a pipeline deploys once per request id it accepted).
/// </summary>
public sealed class DeploymentReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _mode = (int)ReceiverMode.Accept;

    private DeploymentReceiver(WebApplication app) => _app = app;

    public ReceiverMode Mode
    {
        get => (ReceiverMode)Volatile.Read(ref _mode);
        set => Volatile.Write(ref _mode, (int)value);
    }

    public Uri Url { get; private set; } = null!;

    public ConcurrentQueue<ReceivedDeployment> Received { get; } = new();

    public static async Task<DeploymentReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new DeploymentReceiver(app);
        app.MapPost("/deploy", receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(new Uri(address), "/deploy");
        return receiver;
    }

    /// <summary>The requests answered 2xx, per environment and request id.</summary>
    public IReadOnlyList<ReceivedDeployment> Accepted(string releaseId) =>
        Received.Where(r => r.ReleaseId == releaseId && r.Answer is >= 200 and < 300).ToList();

    private async Task HandleAsync(HttpContext context)
    {
        var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var mode = Mode;
        var answer = mode switch { ReceiverMode.Accept => 202, ReceiverMode.Fail => 500, _ => 0 };
        Received.Enqueue(new ReceivedDeployment(
            context.Request.Headers["X-Request-Id"].ToString(),
            (string?)body?["releaseId"] ?? "",
            (string?)body?["environment"] ?? "",
            (bool?)body?["rollback"] ?? false,
            answer,
            DateTimeOffset.UtcNow));
        if (mode == ReceiverMode.Hang)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // the caller gave up (its timeout), as against a pipeline that hangs
            }

            return;
        }

        context.Response.StatusCode = answer;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
