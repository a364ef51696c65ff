using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ReleaseManagement.Azure.Tests.Notices;

/// <summary>A request the receiver got: its path, headers, content type and exact body bytes.</summary>
internal sealed record ReceivedPost(string Path, IReadOnlyDictionary<string, string> Headers, string? ContentType, byte[] Body, DateTimeOffset At);

/// <summary>
/// A local HTTP server (Kestrel on 127.0.0.1, a free port) standing in for Slack, Teams and JSON webhooks: it records
/// every POST and answers each path with the status codes a test scripts (then 200).
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<(int Status, string? RetryAfter)>> _script = new(StringComparer.Ordinal);

    private WebhookReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<ReceivedPost> Received { get; } = new();

    /// <summary>Answers for every request once a path's script is exhausted.</summary>
    public int Fallback { get; set; } = 200;

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{**path}", receiver.HandleAsync);
        await app.StartAsync();
        receiver.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return receiver;
    }

    public string Url(string path) => new Uri(BaseAddress, path).AbsoluteUri;

    /// <summary>The next answers of <paramref name="path"/>, in order.</summary>
    public void Script(string path, params int[] statuses) =>
        Array.ForEach(statuses, s => _script.GetOrAdd("/" + path.TrimStart('/'), _ => new()).Enqueue((s, null)));

    /// <summary>The next answer of <paramref name="path"/> with a <c>Retry-After</c> header.</summary>
    public void ScriptRetryAfter(string path, int status, string retryAfter) =>
        _script.GetOrAdd("/" + path.TrimStart('/'), _ => new()).Enqueue((status, retryAfter));

    public IReadOnlyList<ReceivedPost> To(string path) => Received.Where(r => r.Path == "/" + path.TrimStart('/')).ToArray();

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var path = context.Request.Path.Value ?? "/";
        Received.Enqueue(new ReceivedPost(path, context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            context.Request.ContentType, buffer.ToArray(), DateTimeOffset.UtcNow));
        if (_script.TryGetValue(path, out var queue) && queue.TryDequeue(out var answer))
        {
            context.Response.StatusCode = answer.Status;
            if (answer.RetryAfter is { } retryAfter)
            {
                context.Response.Headers.RetryAfter = retryAfter;
            }

            return;
        }

        context.Response.StatusCode = Fallback;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
