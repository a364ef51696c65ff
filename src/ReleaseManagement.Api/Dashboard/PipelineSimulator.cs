using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReleaseManagement.Api.Auth;
using ReleaseManagement.Api.Dashboard.Components;
using ReleaseManagement.Events;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Api.Dashboard;

/// <summary>
/// The release page's pipeline simulator, on the local host in <see cref="AuthMode.Development"/> mode only (404
/// otherwise; the Functions app has no such route). Each button sends what a pipeline would send at the release's current
/// stage (<see cref="PipelineSimulatorView"/>) as real CDEvents deliveries: signed with the configured CDEvents secret as
/// docs/pipeline-events.md tells a pipeline to, and posted over HTTP to this host's own <c>/api/webhooks/cdevents</c>,
/// so they go through the same verification, queue, processor and release as any pipeline's. Answers 303 to the release
/// page (after waiting briefly for the release to take the delivery in), or a page saying what went wrong.
/// </summary>
public sealed partial class PipelineSimulator(
    IHttpClientFactory clients, IServer server, IOptions<AuthOptions> auth, IOptionsMonitor<WebhookOptions> webhooks,
    DashboardReader reader, DashboardActions actions, IReleaseStore releases, TimeProvider time, ILogger<PipelineSimulator> logger)
{
    /// <summary>The route (relative to the <c>api</c> prefix): local host only, Development only.</summary>
    public const string Route = "dashboard/releases/{id}/pipeline";

    public const string SignalField = "signal";
    public const string DoneForm = "pipeline";
    public const long MaxFormBytes = 8 * 1024;

    /// <summary>How long the answer waits for the release to change after the deliveries were accepted.</summary>
    public static readonly TimeSpan TakeInWait = TimeSpan.FromSeconds(5);

    public bool Enabled => auth.Value.Mode == AuthMode.Development;

    /// <summary>The simulator's section of <paramref name="detail"/>'s page for <paramref name="request"/>'s person, or null when it is not offered.</summary>
    public PipelineSimulatorView? View(ReleaseDetail detail, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(detail);
        if (!Enabled)
        {
            return null;
        }

        var id = detail.Record.Request.Id;
        var problem = Secret() is null ? "No CDEvents webhook secret is configured (Webhooks__CDEvents__Secrets__<name>; scripts/run-local.sh sets a development one, named dev)." : null;
        return PipelineSimulatorView.Build(
            detail.Record, detail.Policy, detail.Events.Select(e => e.Event), DashboardRoutes.Action(Route, id),
            actions.Context(id, request), problem);
    }

    /// <summary><c>POST /api/dashboard/releases/{id}/pipeline</c> <c>signal=...</c>.</summary>
    public async Task<IResult> SendAsync(string id, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Enabled)
        {
            return Problems.NotFound("Not found.", "The pipeline simulator exists only on the local host in Development mode (Auth:Mode).");
        }

        if (request.ContentLength > MaxFormBytes || !request.HasFormContentType)
        {
            return Problem(id, StatusCodes.Status400BadRequest, "Use the simulator's buttons on the release page.");
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(new Microsoft.AspNetCore.Http.Features.FormOptions { ValueLengthLimit = (int)MaxFormBytes, ValueCountLimit = 5 }, cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            return Problem(id, StatusCodes.Status400BadRequest, "The form sent could not be read.");
        }

        if (!actions.IsGenuine(id, request, form[DashboardActions.FormField].ToString()))
        {
            return Problem(id, StatusCodes.Status400BadRequest, "This form is out of date or did not come from the release page: open the release page again.");
        }

        var record = await releases.GetAsync(id, cancellationToken);
        var detail = record is null ? null : await reader.GetReleaseAsync(id, cancellationToken);
        if (record is null || detail is null)
        {
            return Problem(id, StatusCodes.Status404NotFound, $"There is no release {id}.");
        }

        if (Secret() is not { } secret)
        {
            return Problem(id, StatusCodes.Status409Conflict, "No CDEvents webhook secret is configured (Webhooks__CDEvents__Secrets__<name>), so nothing can be signed.");
        }

        var (deliveries, invalid) = SimulatedSignals.Deliveries(form[SignalField].ToString(), id, record.Request.Systems, detail.Policy, time.GetUtcNow());
        if (invalid is not null)
        {
            return Problem(id, StatusCodes.Status400BadRequest, invalid);
        }

        var webhook = new Uri(OwnAddress(request), "/" + ApiRoutes.Prefix + "/" + ApiRoutes.CDEventsWebhook);
        var client = clients.CreateClient(nameof(PipelineSimulator));
        foreach (var body in deliveries)
        {
            var (status, text) = await PostAsync(client, webhook, body, secret, cancellationToken);
            if (status != StatusCodes.Status202Accepted)
            {
                LogRefused(id, status, text);
                return Problem(id, StatusCodes.Status502BadGateway, $"The webhook {webhook} answered {status}: {text}");
            }
        }

        LogSent(id, deliveries.Count, webhook);
        await WaitForTakeInAsync(id, record.UpdatedAt, cancellationToken);
        return new SeeOther(ReleaseForms.DoneUrl(id, DoneForm));
    }

    private string? Secret() => webhooks.CurrentValue.CDEvents.Secrets.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => s.Value).FirstOrDefault(s => !string.IsNullOrWhiteSpace(s));

    /// <summary>Signs as docs/pipeline-events.md says (HMAC-SHA256 of timestamp "." body, hex) and posts as a pipeline does.</summary>
    private async Task<(int Status, string Text)> PostAsync(HttpClient client, Uri webhook, byte[] body, string secret, CancellationToken cancellationToken)
    {
        var ts = time.GetUtcNow().ToUnixTimeSeconds();
        using var post = new HttpRequestMessage(HttpMethod.Post, webhook) { Content = new ByteArrayContent(body) };
        post.Content.Headers.ContentType = new MediaTypeHeaderValue("application/cloudevents+json");
        post.Headers.Add(CDEventsSignature.TimestampHeader, ts.ToString(CultureInfo.InvariantCulture));
        post.Headers.Add(CDEventsSignature.Header, CDEventsSignature.Sign(body, ts, secret));
        try
        {
            using var answer = await client.SendAsync(post, cancellationToken);
            return ((int)answer.StatusCode, await answer.Content.ReadAsStringAsync(cancellationToken));
        }
        catch (HttpRequestException e)
        {
            return (0, e.Message);
        }
    }

    /// <summary>This host's own address: the first it listens on (a wildcard host as localhost), else the request's.</summary>
    private Uri OwnAddress(HttpRequest request)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var listening = addresses.OrderBy(a => a.StartsWith("https", StringComparison.OrdinalIgnoreCase) ? 1 : 0).FirstOrDefault();
        if (listening is not null)
        {
            var wildcard = listening.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal)
                .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal).Replace("://[::]", "://localhost", StringComparison.Ordinal);
            if (Uri.TryCreate(wildcard, UriKind.Absolute, out var own))
            {
                return own;
            }
        }

        return new Uri($"{request.Scheme}://{request.Host}");
    }

    /// <summary>Waits (at most <see cref="TakeInWait"/>) until the release's record changes, so the page answered next shows the effect.</summary>
    private async Task WaitForTakeInAsync(string id, DateTimeOffset before, CancellationToken cancellationToken)
    {
        var until = time.GetUtcNow() + TakeInWait;
        while (time.GetUtcNow() < until)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken);
            if ((await releases.GetAsync(id, cancellationToken))?.UpdatedAt != before)
            {
                return;
            }
        }
    }

    private DashboardPage Problem(string id, int status, string message) =>
        DashboardPage.Page<SimulatorProblemPage>(new SimulatorProblemView(id, DashboardRoutes.Release(id), message, reader.Format.Zone.Id), status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pipeline simulator: {Count} signed deliveries for release {ReleaseId} accepted by {Webhook}")]
    private partial void LogSent(string releaseId, int count, Uri webhook);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pipeline simulator: the webhook refused a delivery for release {ReleaseId}: {Status} {Answer}")]
    private partial void LogRefused(string releaseId, int status, string answer);
}

/// <summary>What the simulator's problem page says.</summary>
public sealed record SimulatorProblemView(string Id, string BackUrl, string Message, string TimeZone);

public static class PipelineSimulatorServiceCollection
{
    /// <summary>The pipeline simulator (the local host only; the release page offers it when registered and in Development mode).</summary>
    public static IServiceCollection AddPipelineSimulator(this IServiceCollection services)
    {
        services.AddHttpClient(nameof(PipelineSimulator));
        services.AddSingleton<PipelineSimulator>();
        return services;
    }
}
