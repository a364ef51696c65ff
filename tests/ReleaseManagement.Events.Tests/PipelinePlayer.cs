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
using ReleaseFunctions.TestSupport;

namespace ReleaseManagement.Events.Tests;

/// <summary>
/// A deployment pipeline played locally: a Kestrel server on a free loopback port that takes the release's deployment
/// webhook (<c>POST /deploy</c>, <c>Deployments__WebhookUrl</c>), answers 202, checks the body's HMAC signature, and then
/// reports what it was asked as a pipeline would: a signed CDEvents <c>service.deployed</c> (or <c>service.rolledback</c>)
/// per system, naming the step it was asked for, to the host's webhook. <see cref="Outcome"/> decides each report.
/// </summary>
internal sealed class PipelinePlayer(string webhookSecret, string cdEventsSecret) : IAsyncDisposable
{
    private WebApplication _app = null!;

    /// <summary>The host the reports go to (set once it started).</summary>
    public HttpClient Host { get; set; } = null!;

    public Uri Url { get; private set; } = null!;

    /// <summary>Every request body as received, with whether its signature verified.</summary>
    public ConcurrentQueue<(JsonObject Body, bool Signed)> Received { get; } = new();

    /// <summary>Every feature flag change posted to <see cref="FlagsUrl"/> (the flag webhook, <c>FeatureFlags__WebhookUrl</c>).</summary>
    public ConcurrentQueue<JsonObject> Flags { get; } = new();

    public Uri FlagsUrl { get; private set; } = null!;

    /// <summary>The report for a request and system: an outcome (success, failure), or null for none.</summary>
    public Func<JsonObject, string, string?> Outcome { get; set; } = (_, _) => "success";

    public static async Task<PipelinePlayer> StartAsync(string webhookSecret, string cdEventsSecret)
    {
        var player = new PipelinePlayer(webhookSecret, cdEventsSecret);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        player._app = builder.Build();
        player._app.MapPost("/deploy", player.HandleAsync);
        player._app.MapPost("/flags", async (HttpContext context) =>
        {
            player.Flags.Enqueue((await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))!.AsObject());
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        });
        await player._app.StartAsync();
        var address = player._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        player.Url = new Uri(new Uri(address), "/deploy");
        player.FlagsUrl = new Uri(new Uri(address), "/flags");
        return player;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var bytes = buffer.ToArray();
        var expected = "sha256=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(webhookSecret), bytes));
        var body = JsonNode.Parse(bytes)!.AsObject();
        Received.Enqueue((body, string.Equals(context.Request.Headers["X-Signature"].ToString(), expected, StringComparison.Ordinal)));
        _ = Task.Run(() => ReportAsync(body));
        context.Response.StatusCode = StatusCodes.Status202Accepted;
    }

    /// <summary>Reports each system of the request a moment later, as a pipeline that ran it.</summary>
    private async Task ReportAsync(JsonObject body)
    {
        await Task.Delay(200);
        var rollback = (bool?)body["rollback"] ?? false;
        foreach (var system in body["systems"]!.AsArray().Select(s => (string)s!))
        {
            if (Outcome(body, system) is not { } outcome)
            {
                continue;
            }

            using var report = SignedCDEvents.Deployed((string)body["releaseId"]!, (string)body["environment"]!, cdEventsSecret, DateTimeOffset.UtcNow, system,
                step: rollback ? null : (string?)body["step"]?["name"], rolledBack: rollback, outcome: outcome);
            using var response = await Host.SendAsync(report);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
