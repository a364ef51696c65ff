using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using ReleaseFunctions.Tests.Support;
using ReleaseFunctions.TestSupport;
using ReleaseManagement.Azure.Events;
using ReleaseManagement.Events;
using ReleaseManagement.Ports;

namespace ReleaseFunctions.Tests;

/// <summary>
/// The lifecycle routes as the local host maps them (the same paths and methods as the Functions triggers): each answers
/// through its handler, over HTTP, against a running release. What each route does in detail is tested in
/// tests/ReleaseManagement.Api.Tests; this checks the routing and the wire format.
/// </summary>
public sealed class ReleaseControlRoutesEndToEndTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<(HttpStatusCode Status, string? MediaType, JsonObject? Body)> SendAsync(HttpClient client, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = json is null ? null : Json(json) };
        using var response = await client.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, text.Length == 0 ? null : JsonNode.Parse(text) as JsonObject);
    }

    [Fact]
    public async Task LocalHost_MapsEveryLifecycleRoute()
    {
        var system = OwnSystem.NewName("routes");
        var settings = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["TaskHubName"] = Azurite.UniqueTaskHub("routes"),
            ["Policy__Path"] = OwnSystem.PolicyFile(system),
            ["PipelineEvents__Table"] = "routesEvents" + Guid.NewGuid().ToString("N")[..12],
        };
        await using var host = await LocalHostProcess.StartAsync(settings, cancellationToken: Ct);
        var client = host.Client;
        var id = "routes-" + Guid.NewGuid().ToString("N")[..10];
        var target = ValidRelease.TargetDate();
        var approvers = System.Text.Json.JsonSerializer.Serialize(ValidRelease.Approvers);

        var created = await SendAsync(client, HttpMethod.Post, "/api/releases",
            $$"""{ "id": "{{id}}", "title": "Routes", "type": "Minor", "systems": ["{{system}}"], "targetDate": "{{target}}", "approvers": {{approvers}} }""");
        Assert.Equal(HttpStatusCode.Accepted, created.Status);
        await Eventually.UntilAsync(
            async () => (await SendAsync(client, HttpMethod.Get, $"/api/releases/{id}")).Body,
            r => (string?)r?["runtimeStatus"] == "Running",
            TimeSpan.FromSeconds(60),
            "the release to run");

        var view = (await SendAsync(client, HttpMethod.Get, $"/api/releases/{id}")).Body!;
        Assert.IsType<JsonArray>(view["timeline"]);
        Assert.IsType<JsonArray>(view["gates"]);
        Assert.IsType<JsonArray>(view["pendingApprovals"]);

        var list = await SendAsync(client, HttpMethod.Get, $"/api/releases?type=Minor&system={system}&status=Active");
        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Contains(list.Body!["releases"]!.AsArray(), r => (string?)r!["id"] == id);
        var badList = await SendAsync(client, HttpMethod.Get, "/api/releases?status=Paused");
        Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json"), (badList.Status, badList.MediaType));

        var wednesday = DateOnly.ParseExact(target, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var refusedMove = await SendAsync(client, HttpMethod.Patch, $"/api/releases/{id}", $$"""{ "targetDate": "{{wednesday}}", "by": "rm@example.com" }""");
        Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json"), (refusedMove.Status, refusedMove.MediaType));
        Assert.Contains("targetDate", refusedMove.Body!["errors"]!.AsObject().Select(e => e.Key));

        var unknownMilestone = await SendAsync(client, HttpMethod.Post, $"/api/releases/{id}/milestones/beta", """{ "by": "lead@example.com" }""");
        Assert.Equal(HttpStatusCode.BadRequest, unknownMilestone.Status);
        var milestone = await SendAsync(client, HttpMethod.Post, $"/api/releases/{id}/milestones/code-freeze", """{ "by": "lead@example.com" }""");
        Assert.Equal(HttpStatusCode.Accepted, milestone.Status);
        Assert.StartsWith("api:", (string?)milestone.Body!["eventId"], StringComparison.Ordinal);

        var attestation = await SendAsync(client, HttpMethod.Post, $"/api/releases/{id}/evidence",
            """{ "item": "code-review", "kind": "attestation", "by": "lead@example.com" }""");
        Assert.Equal(HttpStatusCode.Accepted, attestation.Status);
        var refusedAttestation = await SendAsync(client, HttpMethod.Post, $"/api/releases/{id}/evidence",
            """{ "item": "code-review", "kind": "attestation", "by": "qa@example.com" }""");
        Assert.Equal((HttpStatusCode.Forbidden, "application/problem+json"), (refusedAttestation.Status, refusedAttestation.MediaType));

        var aboutProduction = await SendAsync(client, HttpMethod.Post, $"/api/releases/{id}/evidence",
            """{ "item": "backup", "kind": "evidence", "by": "ops@example.com", "passed": true, "environment": "production" }""");
        Assert.Equal(HttpStatusCode.Accepted, aboutProduction.Status);
        var aboutNowhere = await SendAsync(client, HttpMethod.Post, $"/api/releases/{id}/evidence",
            """{ "item": "backup", "kind": "evidence", "by": "ops@example.com", "passed": true, "environment": "moon" }""");
        Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json"), (aboutNowhere.Status, aboutNowhere.MediaType));
        var configuration = await SendAsync(client, HttpMethod.Post, $"/api/releases/{id}/evidence",
            """{ "item": "environment-configuration", "kind": "configuration", "by": "ops@example.com", "environment": "integration", "settings": { "tlsRequired": "true" } }""");
        Assert.Equal(HttpStatusCode.Accepted, configuration.Status);

        var moved = DateOnly.ParseExact(target, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var move = await SendAsync(client, HttpMethod.Patch, $"/api/releases/{id}", $$"""{ "targetDate": "{{moved}}", "by": "rm@example.com" }""");
        Assert.Equal(HttpStatusCode.Accepted, move.Status);

        var notAManager = await SendAsync(client, HttpMethod.Post, $"/api/releases/{id}/rollback", """{ "by": "qa@example.com", "reason": "Looks broken" }""");
        Assert.Equal((HttpStatusCode.Forbidden, "application/problem+json"), (notAManager.Status, notAManager.MediaType));
        var nothingDeployed = await SendAsync(client, HttpMethod.Post, $"/api/releases/{id}/rollback", """{ "by": "rm@example.com", "reason": "Looks broken" }""");
        Assert.Equal((HttpStatusCode.Conflict, "application/problem+json"), (nothingDeployed.Status, nothingDeployed.MediaType));

        // A pipeline's report that integration is deployed (stored as the event processor stores it) makes it a rollback
        // target for the route; the release itself never asked for that deployment, so it notes the request and goes on.
        var store = new TablePipelineEventStore(new TableClient(Azurite.ConnectionString, settings["PipelineEvents__Table"]));
        var deployed = new CanonicalEvent("test:" + Guid.NewGuid().ToString("N"), "test", CanonicalEventType.ServiceDeployed, DateTimeOffset.UtcNow, id, system,
            "integration", EventOutcomes.Success, new Dictionary<string, string>());
        await store.AddAsync(deployed, DateTimeOffset.UtcNow, Ct);
        await store.MarkProcessedAsync(deployed, EventDelivery.NotRunning, DateTimeOffset.UtcNow, Ct);
        var rollback = await SendAsync(client, HttpMethod.Post, $"/api/releases/{id}/rollback", """{ "by": "rm@example.com", "reason": "Looks broken" }""");
        Assert.Equal(HttpStatusCode.Accepted, rollback.Status);
        Assert.Equal("integration", (string?)rollback.Body!["environment"]);
        await Eventually.UntilAsync(
            async () => (await SendAsync(client, HttpMethod.Get, $"/api/releases/{id}")).Body,
            r => r?["timeline"]?.AsArray().Any(t => ((string?)t!["message"])?.StartsWith("Rollback requested by rm@example.com ignored", StringComparison.Ordinal) == true) == true,
            TimeSpan.FromSeconds(60),
            "the release to note the rollback it cannot do");

        var cancelForNobody = await SendAsync(client, HttpMethod.Post, "/api/releases/nobody-here/cancel", """{ "reason": "x", "by": "rm@example.com" }""");
        Assert.Equal((HttpStatusCode.NotFound, "application/problem+json"), (cancelForNobody.Status, cancelForNobody.MediaType));
        var cancel = await SendAsync(client, HttpMethod.Post, $"/api/releases/{id}/cancel", """{ "reason": "Route check", "by": "rm@example.com" }""");
        Assert.Equal(HttpStatusCode.Accepted, cancel.Status);
    }
}
