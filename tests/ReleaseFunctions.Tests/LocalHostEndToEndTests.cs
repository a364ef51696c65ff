using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using ReleaseFunctions.Tests.Support;
using ReleaseFunctions.TestSupport;

namespace ReleaseFunctions.Tests;

/// <summary>
/// The vertical slice over HTTP against the local host process on Azurite. The restart mid-release is
/// <see cref="LocalHostRestartEndToEndTests"/>: a class of its own, so that it runs beside these (it is the longest).
/// </summary>
[StartFirst]
public sealed class LocalHostEndToEndTests
{
    /// <summary>Each test's release on a system of its own (<see cref="OwnSystems"/>), named by the hosts' policy.</summary>
    internal static readonly OwnSystems Systems = new("e2e", 8);

    private static readonly Lazy<string> PolicyPath = new(() => OwnSystem.Write(Systems.AddTo(ReleaseManagement.Policy.ReleasePolicyDefaults.Create())));

    internal static Dictionary<string, string> Settings(string taskHub) => new()
    {
        ["Policy__Path"] = PolicyPath.Value,
        ["AzureWebJobsStorage"] = Azurite.ConnectionString,
        ["TaskHubName"] = taskHub,
    };

    internal static string NewReleaseId() => "e2e-" + Guid.NewGuid().ToString("N")[..10];

    private static string TargetDate() => ValidRelease.TargetDate();

    private static readonly string ApproversJson = System.Text.Json.JsonSerializer.Serialize(ValidRelease.Approvers);

    internal static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    internal static StringContent ReleaseBody(string id, string system) => Json(
        $$"""{ "id": "{{id}}", "title": "End to end", "type": "Minor", "systems": ["{{system}}"], "targetDate": "{{TargetDate()}}", "approvers": {{ApproversJson}} }""");

    internal static async Task<JsonObject> GetReleaseAsync(HttpClient client, string id)
    {
        using var response = await client.GetAsync($"/api/releases/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    internal static Task<JsonObject> WaitForStatusAsync(HttpClient client, string id, string phase, string status, TimeSpan timeout) =>
        Eventually.UntilAsync(
            () => GetReleaseAsync(client, id),
            r => (string?)r["phase"] == phase && (string?)r["status"] == status,
            timeout,
            $"release {id} to be {phase}/{status}");

    [Fact]
    public async Task Slice_CreateThenApprovePlan_MovesToDevelopmentAndAnswersEachStepAsDocumented()
    {
        await using var host = await LocalHostProcess.StartAsync(Settings(Azurite.UniqueTaskHub("e2e")), cancellationToken: TestContext.Current.CancellationToken);
        var client = host.Client;
        var id = NewReleaseId();
        var system = Systems.Next();

        using var created = await client.PostAsync("/api/releases", ReleaseBody(id, system), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        Assert.Equal($"/api/releases/{id}", created.Headers.Location?.OriginalString);

        await WaitForStatusAsync(client, id, "Planning", "Active", TimeSpan.FromSeconds(60));
        // The engine records Running shortly after the first step runs: wait for it rather than race it.
        var waiting = await Eventually.UntilAsync(() => GetReleaseAsync(client, id), r => (string?)r["runtimeStatus"] == "Running", TimeSpan.FromSeconds(30), "runtime status Running");
        Assert.Equal("Minor", (string?)waiting["type"]);
        Assert.Equal(system, (string?)waiting["systems"]![0]);

        using var duplicate = await client.PostAsync("/api/releases", ReleaseBody(id, system), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal("application/problem+json", duplicate.Content.Headers.ContentType?.MediaType);

        // A Minor plan needs the product owner and the technical lead (the release names both).
        foreach (var (approver, role) in new[] { ("po@example.com", "product-owner"), ("lead@example.com", "technical-lead") })
        {
            using var decided = await client.PostAsync(
                $"/api/releases/{id}/decisions",
                Json($$"""{ "stage": "plan", "decision": "approve", "approver": "{{approver}}", "role": "{{role}}" }"""),
                TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Accepted, decided.StatusCode);
        }

        var developing = await WaitForStatusAsync(client, id, "Development", "Active", TimeSpan.FromSeconds(60));
        Assert.Contains("feature-complete", (string?)developing["statusReason"]);
    }

    [Fact]
    public async Task Slice_InvalidRequests_AnswerProblemDetailsAndWriteNothing()
    {
        await using var host = await LocalHostProcess.StartAsync(Settings(Azurite.UniqueTaskHub("e2e")), cancellationToken: TestContext.Current.CancellationToken);
        var client = host.Client;
        var id = NewReleaseId();

        using var invalid = await client.PostAsync(
            "/api/releases",
            Json($$"""{ "id": "{{id}}", "title": "", "type": "Huge", "systems": [], "targetDate": "2020-01-01" }"""),
            TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal("application/problem+json", invalid.Content.Headers.ContentType?.MediaType);
        var problem = (await invalid.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!;
        Assert.Equal(["systems", "targetDate", "title", "type"], problem["errors"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));

        using var malformed = await client.PostAsync("/api/releases", Json("{ not json"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("application/problem+json", malformed.Content.Headers.ContentType?.MediaType);

        using var missing = await client.GetAsync($"/api/releases/{id}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);

        using var decisionForNothing = await client.PostAsync(
            $"/api/releases/{id}/decisions",
            Json("""{ "stage": "plan", "decision": "approve", "approver": "lead@example.com" }"""),
            TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, decisionForNothing.StatusCode);

        using var badDecision = await client.PostAsync(
            $"/api/releases/{id}/decisions",
            Json("""{ "stage": "launch", "decision": "maybe" }"""),
            TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, badDecision.StatusCode);
        var decisionProblem = (await badDecision.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!;
        Assert.Equal(["approver", "decision", "stage"], decisionProblem["errors"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
    }
}
