using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseFunctions.TestSupport;

/// <summary>
/// Drives a hotfix over HTTP through its gates as the people and pipelines around it would, one step per method, for the
/// tests that take a hotfix from request to Completed on the local host: the emergency approval, the gate evidence (tests,
/// the production pre-deployment checks, each environment's configuration report, the security scan), the deployments
/// reported by signed CDEvents (<see cref="SignedCDEvents"/>), the release manager's sign-offs that missing health data
/// requires, and the post-hoc review. Every step that needs the release to be somewhere first waits for it (on the
/// release's own state, never a fixed sleep); every request must be answered 202.
/// </summary>
/// <param name="policy">The policy the host runs (the configuration reports send its environments' required settings).</param>
/// <param name="secret">The CDEvents webhook secret the host is configured with.</param>
public sealed class HotfixDriver(HttpClient client, string releaseId, ReleasePolicy policy, string secret, CancellationToken cancellationToken)
{
    /// <summary>How long a step waits for the release to get where it must be.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(90);

    public string ReleaseId => releaseId;

    /// <summary>The system the deployments report (the release's; a test's own system, <see cref="OwnSystem"/>).</summary>
    public string System { get; init; } = "Billing";

    /// <summary><c>GET /api/releases/{id}</c>, which must succeed.</summary>
    public async Task<JsonObject> GetAsync()
    {
        using var response = await client.GetAsync($"/api/releases/{releaseId}", cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET {releaseId}: {response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Posts <paramref name="body"/> to the release's <paramref name="route"/> (e.g. <c>evidence</c>); it must be accepted.</summary>
    public async Task PostAsync(string route, object body)
    {
        using var response = await client.PostAsJsonAsync($"/api/releases/{releaseId}/{route}", body, cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted,
            $"POST {releaseId}/{route}: {response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
    }

    /// <summary>The release once <paramref name="done"/> holds for it; a timeout names <paramref name="what"/> and shows the release.</summary>
    public Task<JsonObject> WaitAsync(Func<JsonObject, bool> done, string what) =>
        Eventually.UntilAsync(GetAsync, done, Timeout, what, release => release.ToJsonString());

    /// <summary>Whether the release's status reason contains <paramref name="text"/>.</summary>
    public static bool Reason(JsonObject release, string text) =>
        ((string?)release["statusReason"] ?? string.Empty).Contains(text, StringComparison.Ordinal);

    /// <summary>Waits for the emergency approval to be asked, then the release manager and a technical lead approve it.</summary>
    public async Task ApproveEmergencyAsync()
    {
        await WaitAsync(r => r["pendingApprovals"]!.AsArray().Count > 0, "the emergency approval to be asked");
        await PostAsync("decisions", new { stage = "emergency", decision = "approve", approver = "rm@example.com", role = "release-manager" });
        await PostAsync("decisions", new { stage = "emergency", decision = "approve", approver = "lead@example.com", role = "technical-lead" });
    }

    /// <summary>
    /// The gate evidence a hotfix needs: unit and regression tests passed; the pre-deployment checks, about production and
    /// fresh; each environment's configuration report meeting its standard; a security scan without findings; a link to
    /// each document a hotfix requires, reported by the release manager.
    /// </summary>
    public async Task SubmitGateEvidenceAsync()
    {
        foreach (var item in new[] { "unit-tests", "regression-tests" })
        {
            await PostAsync("evidence", new { item, kind = "evidence", by = "ci@example.com", passed = true });
        }

        foreach (var item in new[] { "environment-health", "backup", "monitoring-active" })
        {
            await PostAsync("evidence", new { item, kind = "evidence", by = "ci@example.com", passed = true, environment = "production" });
        }

        foreach (var (environment, key) in new[] { ("staging", DeploymentEnvironment.Staging), ("production", DeploymentEnvironment.Production) })
        {
            var settings = policy.Environments[key].RequiredSettings;
            await PostAsync("evidence", new { item = "environment-configuration", kind = "configuration", by = "ops@example.com", environment, settings });
        }

        await PostAsync("evidence", new { item = "security-scan", kind = "evidence", by = "ci@example.com", value = 0 });
        foreach (var item in ReleaseDocuments.Required(policy, ReleaseType.Hotfix))
        {
            await PostAsync("evidence", new { item, kind = "document", by = "rm@example.com", url = $"https://docs.example.com/{releaseId}/{item}" });
        }
    }

    /// <summary>
    /// For staging then production: waits for the deployment to be requested, then reports it done (a signed CDEvents
    /// <c>service.deployed</c> of Billing 1.0.1). Returns the production deployment's time (to the second, as sent).
    /// </summary>
    public async Task<DateTimeOffset> DeployAsync()
    {
        var productionAt = DateTimeOffset.MinValue;
        foreach (var environment in new[] { "staging", "production" })
        {
            await WaitAsync(r => (string?)r["stage"] == $"deploy:{environment}", $"the deployment to {environment} to be requested");
            var now = DateTimeOffset.UtcNow;
            using var request = SignedCDEvents.Deployed(releaseId, environment, secret, now, System);
            using var response = await client.SendAsync(request, cancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
            productionAt = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        }

        return productionAt;
    }

    /// <summary>
    /// No health data is read on the local host: the validation and then the watch each end waiting for the release
    /// manager's sign-off; gives each once it is asked for.
    /// </summary>
    public async Task SignOffMissingHealthDataAsync(string note)
    {
        foreach (var step in new[] { "Post-deployment validation ended without monitoring data", "Watch ended without monitoring data" })
        {
            await WaitAsync(r => Reason(r, step), step);
            await PostAsync("evidence", new { item = "watch-signoff", kind = "attestation", by = "rm@example.com", note });
        }
    }

    /// <summary>Waits for the emergency review to be due, then the release manager records it; returns the release once it ended.</summary>
    public async Task<JsonObject> ReviewAsync(string note)
    {
        await WaitAsync(r => (string?)r["stage"] == "emergency-review", "the emergency review to be due");
        await PostAsync("evidence", new { item = "emergency-review", kind = "attestation", by = "rm@example.com", note });
        return await WaitAsync(r => (string?)r["status"] != "Active", "the hotfix to end");
    }
}
