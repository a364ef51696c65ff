using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ReleaseFunctions.Tests.Support;
using ReleaseFunctions.TestSupport;
using ReleaseManagement.Events;
using ReleaseManagement.Policy;

namespace ReleaseFunctions.Tests;

/// <summary>
/// A hotfix from request to Completed over HTTP on the local host (its own process, durable engine on Azurite): emergency
/// approval, gate evidence, deployments reported by a signed CDEvents webhook, the sign-offs that missing health data
/// requires, and the post-hoc review recorded through <c>POST /api/releases/{id}/evidence</c> as the reminder says; then
/// the audit trail of it all, chained and verified.
/// </summary>
public sealed class HotfixReviewEndToEndTests : IAsyncDisposable
{
    private const string Secret = "hotfix-e2e-cdevents-secret-0123456789abcdef";
    private readonly string _policyPath = Path.Combine(Path.GetTempPath(), $"hotfix-e2e-policy-{Guid.NewGuid():N}.json");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync()
    {
        File.Delete(_policyPath);
        return ValueTask.CompletedTask;
    }

    private static async Task<JsonObject> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    [Fact]
    public async Task Hotfix_FromRequestToCompleted_WithTheReviewRecordedThroughTheEvidenceApi()
    {
        // The built-in policy in UTC with a six-second watch whose validation waits three seconds for monitoring data; the
        // review stays due in five days, so only the API ends it.
        var defaults = ReleasePolicyDefaults.Create();
        var system = OwnSystem.NewName("hfx");
        var policy = OwnSystem.AddTo(defaults, [system]) with
        {
            Access = new() { RequestMayNameApprovers = true, PeopleMayReportMachineEvidence = true }, // requests name the shared test approvers (ValidRelease.Approvers)
            TimeZone = "UTC",
            SuccessCriteria = defaults.SuccessCriteria with
            {
                WatchDuration = TimeSpan.FromSeconds(6), CheckInterval = TimeSpan.FromSeconds(1), ValidationDelay = TimeSpan.FromSeconds(3),
            },
        };
        await File.WriteAllTextAsync(_policyPath, PolicyJson.Serialize(policy), Ct);
        await using var host = await LocalHostProcess.StartAsync(new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["TaskHubName"] = Azurite.UniqueTaskHub("hotfix"),
            ["PipelineEvents__Table"] = "hotfixEvents" + Guid.NewGuid().ToString("N")[..12],
            ["Webhooks__CDEvents__Secrets__0"] = Secret,
            ["Policy__Path"] = _policyPath,
        }, cancellationToken: Ct);
        var client = host.Client;
        var id = "hotfix-" + Guid.NewGuid().ToString("N")[..10];
        var today = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        using (var requested = await client.PostAsJsonAsync("/api/releases", new
        {
            id, title = "Certificate hotfix", type = "Hotfix", systems = new[] { system }, targetDate = today,
            requestedBy = "lead2@example.com", approvers = ValidRelease.Approvers,
        }, Ct))
        {
            Assert.Equal(HttpStatusCode.Accepted, requested.StatusCode);
        }

        // The emergency approval, the gate evidence (the pre-deployment checks about production and fresh, each
        // environment's configuration meeting its standard) and the deployments, as the shared driver gives them.
        var hotfix = new HotfixDriver(client, id, policy, Secret, Ct) { System = system };
        await hotfix.ApproveEmergencyAsync();
        await hotfix.SubmitGateEvidenceAsync();
        await hotfix.DeployAsync();

        // The validation first waits its delay after the production deployment, saying so (lifecycle version 2).
        var waiting = await hotfix.WaitAsync(r => r["timeline"]!.AsArray().Any(t => ((string?)t!["message"] ?? "").StartsWith("Validating at ", StringComparison.Ordinal)),
            "the validation to wait for monitoring data");
        Assert.Contains(waiting["timeline"]!.AsArray(), t => System.Text.RegularExpressions.Regex.IsMatch(
            (string?)t!["message"] ?? "", @"^Validating at \d{2}:\d{2}: waiting 00:00:03 for monitoring data\.$"));

        // No health data is read here: the validation and then the watch each wait for the release manager's sign-off.
        await hotfix.SignOffMissingHealthDataAsync("Checked by hand");

        await hotfix.WaitAsync(r => (string?)r["stage"] == "emergency-review", "the emergency review to be due");
        using (var refused = await client.PostAsJsonAsync($"/api/releases/{id}/evidence", new { item = "emergency-review", kind = "attestation", by = "qa@example.com" }, Ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        var done = await hotfix.ReviewAsync("Root cause: expired certificate");

        Assert.Equal("Completed", (string?)done["status"]);
        Assert.Contains(done["timeline"]!.AsArray(), t => (string?)t!["message"] == "Emergency change review recorded by rm@example.com.");
        DateTimeOffset At(string start) => (DateTimeOffset)done["timeline"]!.AsArray().First(t => ((string)t!["message"]!).StartsWith(start, StringComparison.Ordinal))!["at"]!;
        var read = At("Post-deployment validation ended without monitoring data") - At("Validating at ");
        Assert.True(read >= TimeSpan.FromSeconds(2), $"the validation read health {read} after it began to wait, not after its 3-second delay");

        var audit = await GetAsync(client, $"/api/releases/{id}/audit");
        Assert.True((bool)audit["verified"]!, audit.ToJsonString());
        var actions = audit["entries"]!.AsArray().Select(e => (string)e!["action"]!).ToList();
        Assert.Equal(["request", "policy", "decision", "decision"], actions.Take(4));
        Assert.True(actions.Count(a => a == "deployment") >= 6, string.Join(", ", actions)); // requested, reported (webhook) and done, staging and production
        Assert.Contains(audit["entries"]!.AsArray(), e => (string?)e!["action"] == "deployment" && (string?)e["summary"] == "Deployed to production." && (string?)e["channel"] == "orchestration");
        Assert.Contains(audit["entries"]!.AsArray(), e => (string?)e!["action"] == "deployment" && (string?)e["channel"] == "webhook" && (string?)e["data"]!["environment"] == "production");
        Assert.Contains(audit["entries"]!.AsArray(), e => (string?)e!["action"] == "attestation" && (string?)e["data"]!["item"] == "emergency-review" && (string?)e["by"] == "rm@example.com");
        Assert.Equal("outcome", actions[^1]);
        Assert.Equal(64, ((string?)audit["policyHash"])!.Length);

        using var csvRequest = new HttpRequestMessage(HttpMethod.Get, $"/api/releases/{id}/audit");
        csvRequest.Headers.Accept.ParseAdd("text/csv");
        using var csv = await client.SendAsync(csvRequest, Ct);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Equal("true", csv.Headers.GetValues("X-Audit-Verified").Single());
        Assert.Equal(actions.Count + 1, (await csv.Content.ReadAsStringAsync(Ct)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
    }
}
