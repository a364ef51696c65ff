using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ReleaseManagement.Azure.Events;
using ReleaseManagement.Events;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Events.Tests;

/// <summary>
/// The local host as a process against Azurite: a release is started through the API, then a signed CDEvents webhook for
/// it goes in through the endpoint, the queue and the local queue loop, and comes out stored and raised to the release's
/// running orchestration.
/// </summary>
public sealed class EndToEndTests
{
    /// <summary>Requests a Minor release of the host's own system through the API (the approvers of the shared valid release).</summary>
    private static async Task CreateReleaseAsync(HttpClient http, EventsLocalHost host, string releaseId, string title, string? requestedBy, CancellationToken ct)
    {
        var created = await http.PostAsJsonAsync("/api/releases", new
        {
            id = releaseId,
            title,
            type = "Minor",
            systems = new[] { host.System },
            targetDate = ReleaseFunctions.TestSupport.ValidRelease.TargetDate(),
            requestedBy,
            approvers = ReleaseFunctions.TestSupport.ValidRelease.Approvers,
        }, ct);
        Assert.True(created.StatusCode == HttpStatusCode.Accepted, $"{created.StatusCode}: {await created.Content.ReadAsStringAsync(ct)}\n{host.Process.Output}");
    }

    [Fact]
    public async Task LocalHost_SignedCDEventForRunningRelease_IsStoredAndRaisedToTheRelease()
    {
        var connectionString = Azurite.ConnectionString;
        var ct = TestContext.Current.CancellationToken;
        var names = EventStorageNames.Unique("e2e");
        await using var host = await EventsLocalHost.StartAsync(connectionString, names, ct);
        using var http = new HttpClient { BaseAddress = host.Process.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var releaseId = "e2e-" + Guid.NewGuid().ToString("N")[..10];

        await CreateReleaseAsync(http, host, releaseId, "End-to-end pipeline events", "release.manager@example.com", ct);
        await ReleaseFunctions.TestSupport.Eventually.ValueAsync(async () =>
        {
            var view = await http.GetFromJsonAsync<JsonElement>($"/api/releases/{releaseId}", ct);
            return view.TryGetProperty("runtimeStatus", out var s) && s.GetString() == "Running" ? "running" : null;
        }, TimeSpan.FromSeconds(60), "the release orchestration to run");

        var eventId = Guid.NewGuid().ToString();
        var body = Encoding.UTF8.GetBytes(Fixture.Text("cdevents/pipelinerun-finished.json")
            .Replace("271069a8-fc18-44f1-b38f-9d70a1695819", eventId)
            .Replace("\"releaseId\": \"2025.07\"", $"\"releaseId\": \"{releaseId}\""));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/cdevents") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/cloudevents+json");
        foreach (var (name, value) in Sign.CDEvents(body, DateTimeOffset.UtcNow))
        {
            request.Headers.Add(name, value);
        }

        var accepted = await http.SendAsync(request, ct);

        Assert.True(accepted.StatusCode == HttpStatusCode.Accepted, $"{accepted.StatusCode}: {await accepted.Content.ReadAsStringAsync(ct)}\n{host.Process.Output}");
        var store = new TablePipelineEventStore(EventStorageClients.FromConnectionString(connectionString, names).Tables.GetTableClient(names.Table));
        var stored = await ReleaseFunctions.TestSupport.Eventually.ValueAsync(
            async () => (await store.ListByReleaseAsync(releaseId, ct)).FirstOrDefault(e => e.Delivery is not null),
            TimeSpan.FromSeconds(60),
            "the event to be stored and processed");
        Assert.Equal("cdevents:" + eventId, stored.Event.EventId);
        Assert.Equal(CanonicalEventType.PipelineRunFinished, stored.Event.Type);
        Assert.Equal(EventDelivery.Raised, stored.Delivery);
        var release = await http.GetFromJsonAsync<JsonElement>($"/api/releases/{releaseId}", ct);
        Assert.NotEqual("Failed", release.GetProperty("runtimeStatus").GetString());
    }

    [Fact]
    public async Task LocalHost_SignedMilestoneCDEvents_MoveTheWaitingReleaseFromMilestonesToItsDevelopmentGate()
    {
        var connectionString = Azurite.ConnectionString;
        var ct = TestContext.Current.CancellationToken;
        var names = EventStorageNames.Unique("e2m");
        await using var host = await EventsLocalHost.StartAsync(connectionString, names, ct);
        using var http = new HttpClient { BaseAddress = host.Process.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var releaseId = "e2m-" + Guid.NewGuid().ToString("N")[..10];
        await CreateReleaseAsync(http, host, releaseId, "Milestones by webhook", requestedBy: null, ct);
        foreach (var approver in new[] { "po@example.com", "lead@example.com" })
        {
            var decided = await http.PostAsJsonAsync($"/api/releases/{releaseId}/decisions", new { stage = "plan", decision = "approve", approver }, ct);
            Assert.True(decided.StatusCode == HttpStatusCode.Accepted, $"{decided.StatusCode}: {await decided.Content.ReadAsStringAsync(ct)}");
        }

        await ReleaseFunctions.TestSupport.Eventually.ValueAsync(async () =>
        {
            var view = await http.GetFromJsonAsync<JsonElement>($"/api/releases/{releaseId}", ct);
            return view.GetProperty("phase").GetString() == "Development" ? "developing" : null;
        }, TimeSpan.FromSeconds(60), "the release to wait for its milestones");

        foreach (var milestone in new[] { "feature-complete", "code-freeze", "testing-ready", "release-candidate" })
        {
            var id = Guid.NewGuid().ToString();
            var body = Encoding.UTF8.GetBytes($$"""
                {
                  "specversion": "1.0", "id": "{{id}}", "source": "/ci/acme", "type": "dev.cdeventsx.releasefunctions-milestone.reached.0.1.0",
                  "time": "{{DateTimeOffset.UtcNow:O}}", "datacontenttype": "application/json",
                  "data": {
                    "context": { "specversion": "0.4.1", "id": "{{id}}", "source": "/ci/acme", "type": "dev.cdeventsx.releasefunctions-milestone.reached.0.1.0", "timestamp": "{{DateTimeOffset.UtcNow:O}}" },
                    "subject": { "id": "{{releaseId}}", "source": "/ci/acme", "type": "releasefunctions-milestone", "content": { "milestone": "{{milestone}}" } },
                    "customData": { "releaseId": "{{releaseId}}", "system": "{{host.System}}" }
                  }
                }
                """);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/cdevents") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/cloudevents+json");
            foreach (var (name, value) in Sign.CDEvents(body, DateTimeOffset.UtcNow))
            {
                request.Headers.Add(name, value);
            }

            var accepted = await http.SendAsync(request, ct);
            Assert.True(accepted.StatusCode == HttpStatusCode.Accepted, $"{accepted.StatusCode}: {await accepted.Content.ReadAsStringAsync(ct)}");
        }

        var atGate = await ReleaseFunctions.TestSupport.Eventually.ValueAsync(async () =>
        {
            var view = await http.GetFromJsonAsync<JsonElement>($"/api/releases/{releaseId}", ct);
            return view.TryGetProperty("stage", out var stage) && stage.GetString() == "gate:development" ? view.GetRawText() : null;
        }, TimeSpan.FromSeconds(90), "the release to reach its development gate");
        var timeline = JsonDocument.Parse(atGate).RootElement.GetProperty("timeline").EnumerateArray()
            .Select(t => (Kind: t.GetProperty("kind").GetString(), Message: t.GetProperty("message").GetString() ?? string.Empty)).ToList();
        Assert.Contains(timeline, t => t.Kind == ReleaseManagement.Orchestration.TimelineKinds.Milestone && t.Message.Contains("release-candidate", StringComparison.Ordinal));
    }
}

/// <summary>
/// The built local host (the shared <see cref="ReleaseFunctions.TestSupport.LocalHostProcess"/>) with its own task hub, event
/// storage names and system (a policy file adding it), so its releases share a production window with no other test's.
/// </summary>
internal sealed class EventsLocalHost(ReleaseFunctions.TestSupport.LocalHostProcess process, string system, string policyFile) : IAsyncDisposable
{
    public ReleaseFunctions.TestSupport.LocalHostProcess Process { get; } = process;

    public string System { get; } = system;

    public static async Task<EventsLocalHost> StartAsync(string connectionString, EventStorageNames names, CancellationToken cancellationToken)
    {
        var system = ReleaseFunctions.TestSupport.OwnSystem.NewName("events");
        var policyFile = ReleaseFunctions.TestSupport.OwnSystem.PolicyFile(system);
        var process = await ReleaseFunctions.TestSupport.LocalHostProcess.StartAsync(
            new Dictionary<string, string>
            {
                ["AzureWebJobsStorage"] = connectionString,
                ["TaskHubName"] = "e2e" + Guid.NewGuid().ToString("N")[..16],
                ["Policy__Path"] = policyFile,
                ["PipelineEvents__Table"] = names.Table,
                ["PipelineEvents__Queue"] = names.Queue,
                ["PipelineEvents__Container"] = names.Container,
                ["Webhooks__CDEvents__Secrets__0"] = Secrets.CDEvents,
                ["LocalHost__Queue__RetryDelay"] = "00:00:01",
                ["LocalHost__Queue__MaxPollingInterval"] = "00:00:00.500",
            },
            cancellationToken: cancellationToken);
        return new EventsLocalHost(process, system, policyFile);
    }

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        File.Delete(policyFile);
    }
}
