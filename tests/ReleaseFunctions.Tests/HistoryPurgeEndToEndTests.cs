using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using ReleaseFunctions.Tests.Support;
using ReleaseFunctions.TestSupport;

namespace ReleaseFunctions.Tests;

/// <summary>
/// The history purge as the local host runs it: on its schedule (here every second, with a retention of a second), through the
/// Durable sidecar, on the Azure Storage task hub format the Functions app uses (the release orchestrations run the real lifecycle).
/// </summary>
public sealed class HistoryPurgeEndToEndTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(HttpStatusCode Status, JsonObject? Body)> SendAsync(HttpClient client, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json") };
        using var response = await client.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text) as JsonObject);
    }

    [Fact]
    public async Task LocalHost_CancelledReleasePastTheRetention_HistoryPurgedOnTheScheduleWhileTheRecordAndTheRunningReleaseStay()
    {
        var system = OwnSystem.NewName("purge");
        var hub = Azurite.UniqueTaskHub("purge");
        var settings = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["TaskHubName"] = hub,
            ["Policy__Path"] = OwnSystem.PolicyFile(system),
            ["PipelineEvents__Table"] = "purgeEvents" + Guid.NewGuid().ToString("N")[..12],
            ["HistoryPurgeSchedule"] = "* * * * * *",
            ["History__Retention"] = "00:00:01",
            ["Logging__LogLevel__ReleaseManagement.Api.HistoryPurge"] = "Information",
        };
        await using var host = await LocalHostProcess.StartAsync(settings, cancellationToken: Ct);
        var client = host.Client;
        var approvers = System.Text.Json.JsonSerializer.Serialize(ValidRelease.Approvers);
        async Task<string> StartAsync(string title)
        {
            var id = "purge-" + Guid.NewGuid().ToString("N")[..10];
            var created = await SendAsync(client, HttpMethod.Post, "/api/releases",
                $$"""{ "id": "{{id}}", "title": "{{title}}", "type": "Minor", "systems": ["{{system}}"], "targetDate": "{{ValidRelease.TargetDate()}}", "approvers": {{approvers}} }""");
            Assert.Equal(HttpStatusCode.Accepted, created.Status);
            await Eventually.UntilAsync(
                async () => (await SendAsync(client, HttpMethod.Get, $"/api/releases/{id}")).Body,
                r => (string?)r?["runtimeStatus"] == "Running", TimeSpan.FromSeconds(60), $"release {id} to run");
            return id;
        }

        var instances = new TableClient(Azurite.ConnectionString, hub + "Instances");
        async Task<bool> TimelineAsync(string id)
        {
            await foreach (var _ in instances.QueryAsync<TableEntity>(e => e.PartitionKey == id + "-comms", cancellationToken: Ct))
            {
                return true;
            }

            return false;
        }

        var cancelled = await StartAsync("Cancelled, then purged");
        var running = await StartAsync("Still running");
        await Eventually.UntilAsync(() => TimelineAsync(cancelled), any => any, TimeSpan.FromSeconds(60), "the release's communication timeline to start");
        var cancel = await SendAsync(client, HttpMethod.Post, $"/api/releases/{cancelled}/cancel", """{ "reason": "Purge check", "by": "rm@example.com" }""");
        Assert.Equal(HttpStatusCode.Accepted, cancel.Status);

        // Ended, then gone from the task hub: the release still answers, with its status and no runtime status.
        var view = await Eventually.UntilAsync(
            async () => await SendAsync(client, HttpMethod.Get, $"/api/releases/{cancelled}"),
            r => r.Status == HttpStatusCode.OK && (string?)r.Body?["status"] == "Cancelled" && r.Body?["runtimeStatus"] is null,
            TimeSpan.FromSeconds(90), "the cancelled release's history to be purged", r => $"{r.Status} {r.Body?.ToJsonString()}");
        Assert.NotEmpty(view.Body!["timeline"]!.AsArray());
        await Eventually.UntilAsync(() => TimelineAsync(cancelled), any => !any, TimeSpan.FromSeconds(30), "the release's communication timeline to be purged too");
        var audit = await SendAsync(client, HttpMethod.Get, $"/api/releases/{cancelled}/audit");
        Assert.Equal((HttpStatusCode.OK, true), (audit.Status, (bool?)audit.Body?["verified"]));
        Assert.Contains(audit.Body!["entries"]!.AsArray(), e => (string?)e!["action"] == "cancel");

        var other = (await SendAsync(client, HttpMethod.Get, $"/api/releases/{running}")).Body!;
        Assert.Equal(("Active", "Running"), ((string?)other["status"], (string?)other["runtimeStatus"]));
        await Eventually.UntilAsync(() => TimelineAsync(running), any => any, TimeSpan.FromSeconds(30), "the running release's communication timeline");
        Assert.Contains("History purge: ", host.Output, StringComparison.Ordinal);
    }
}
