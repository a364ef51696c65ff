using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ReleaseFunctions.TestSupport;
using ReleaseManagement.Events;
using ReleaseManagement.Policy;

namespace Lifecycle;

/// <summary>What the drivers of one run measured.</summary>
internal sealed class Readings
{
    /// <summary>Webhook acknowledgements (POST to its 202), ms.</summary>
    public ConcurrentBag<double> Acks { get; } = [];

    /// <summary>From a webhook's 202 to the end of the first GET of the projection whose timeline shows the event, ms (an upper bound).</summary>
    public ConcurrentBag<double> AckToProjection { get; } = [];

    /// <summary>From a webhook's 202 to the time the orchestration stamped on that timeline line (its replay clock), ms.</summary>
    public ConcurrentBag<double> AckToOrchestration { get; } = [];

    /// <summary>Every GET of a projection the drivers made, ms.</summary>
    public ConcurrentBag<double> Gets { get; } = [];

    public ConcurrentBag<string> Failures { get; } = [];

    public int Unavailable;

    /// <summary>API writes (request, decisions, evidence) answered 503 with Retry-After and sent again.</summary>
    public int UnavailableWrites;

    public int Completed;

    public int InFlight;
}

/// <summary>
/// One hotfix from request to Completed over HTTP, as <c>HotfixReviewEndToEndTests</c> drives it: emergency approval by
/// the decision API, gate evidence by the evidence API, both deployments reported by signed CDEvents webhooks (measured),
/// the release manager's sign-offs that missing health data asks for, and the post-hoc review; the required documents' links by the evidence API.
/// </summary>
internal sealed class ReleaseDriver(
    HttpClient client, string secret, ReleasePolicy policy, Readings readings, TimeSpan measuredPoll, TimeSpan waitPoll, TimeSpan deadline,
    IReadOnlyList<string>? systems = null)
{
    private int _next = -1;

    /// <summary>Drives release <paramref name="id"/> to Completed; <paramref name="whileAwaitingApproval"/>, if given, runs
    /// once the emergency approval is asked (the release active and waiting: the storage count of a GET, Program.cs).</summary>
    public async Task RunAsync(string id, bool measure, CancellationToken ct = default, Func<Task>? whileAwaitingApproval = null)
    {
        // The release's system: the bench systems in turn (the warm-up and the baseline use Billing).
        var system = systems is { Count: > 0 } ? systems[(int)((uint)Interlocked.Increment(ref _next) % systems.Count)] : "Billing";
        var today = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await PostAsync(ct, "/api/releases", new
        {
            id, title = "Bench hotfix " + id, type = "Hotfix", systems = new[] { system }, targetDate = today,
            requestedBy = "lead2@example.com", approvers = Approvers,
        });
        await WaitAsync(ct, id, r => r["pendingApprovals"]?.AsArray().Count > 0, "the emergency approval to be asked");
        if (whileAwaitingApproval is not null)
        {
            await whileAwaitingApproval();
        }

        await PostAsync(ct, $"/api/releases/{id}/decisions", new { stage = "emergency", decision = "approve", approver = "rm@example.com", role = "release-manager" });
        await PostAsync(ct, $"/api/releases/{id}/decisions", new { stage = "emergency", decision = "approve", approver = "lead@example.com", role = "technical-lead" });
        foreach (var item in new[] { "unit-tests", "regression-tests" })
        {
            await PostAsync(ct, $"/api/releases/{id}/evidence", new { item, kind = "evidence", by = "ci@example.com", passed = true });
        }

        foreach (var item in new[] { "environment-health", "backup", "monitoring-active" })
        {
            await PostAsync(ct, $"/api/releases/{id}/evidence", new { item, kind = "evidence", by = "ci@example.com", passed = true, environment = "production" });
        }

        foreach (var (environment, key) in new[] { ("staging", DeploymentEnvironment.Staging), ("production", DeploymentEnvironment.Production) })
        {
            var settings = policy.Environments[key].RequiredSettings;
            await PostAsync(ct, $"/api/releases/{id}/evidence", new { item = "environment-configuration", kind = "configuration", by = "ops@example.com", environment, settings });
        }

        await PostAsync(ct, $"/api/releases/{id}/evidence", new { item = "security-scan", kind = "evidence", by = "ci@example.com", value = 0 });
        // The documents a hotfix requires (release notes, rollback procedure by default): items of its gate before production.
        foreach (var item in ReleaseDocuments.Required(policy, ReleaseManagement.Releases.ReleaseType.Hotfix))
        {
            await PostAsync(ct, $"/api/releases/{id}/evidence", new { item, kind = "document", by = "rm@example.com", url = $"https://docs.example.com/{id}/{item}" });
        }

        foreach (var environment in new[] { "staging", "production" })
        {
            await WaitAsync(ct, id, r => (string?)r["stage"] == $"deploy:{environment}", $"the deployment to {environment} to be requested");
            var (acked, ackedAt) = await DeployedAsync(id, system, environment, measure, ct);
            await MeasureProjectionAsync(id, environment, acked, ackedAt, measure, ct);
        }

        // No health data here: the validation and then the watch each wait for the release manager's sign-off.
        foreach (var step in new[] { "Post-deployment validation ended without monitoring data", "Watch ended without monitoring data" })
        {
            await WaitAsync(ct, id, r => ((string?)r["statusReason"] ?? "").Contains(step, StringComparison.Ordinal), step);
            await PostAsync(ct, $"/api/releases/{id}/evidence", new { item = "watch-signoff", kind = "attestation", by = "rm@example.com", note = "Checked by hand" });
        }

        await WaitAsync(ct, id, r => (string?)r["stage"] == "emergency-review", "the emergency review to be due");
        await PostAsync(ct, $"/api/releases/{id}/evidence", new { item = "emergency-review", kind = "attestation", by = "rm@example.com", note = "Bench" });
        var done = await WaitAsync(ct, id, r => (string?)r["status"] != "Active", "the release to end");
        if ((string?)done["status"] != "Completed")
        {
            throw new InvalidOperationException($"{id} ended {(string?)done["status"]}: {(string?)done["statusReason"]}");
        }
    }

    /// <summary>One timed GET of the projection (the baseline's operation, and each poll's).</summary>
    public async Task<JsonObject?> GetAsync(string id, CancellationToken ct = default)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await client.GetAsync($"/api/releases/{id}", ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        readings.Gets.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return response.IsSuccessStatusCode ? JsonNode.Parse(text)!.AsObject() : null;
    }

    /// <summary>
    /// Polls the projection every <c>measuredPoll</c> until its timeline has the line the orchestration writes on taking
    /// the deployment event of <paramref name="environment"/>. The figure is the end of that GET less the 202's arrival:
    /// an upper bound, late by at most one poll interval plus one GET.
    /// </summary>
    private async Task MeasureProjectionAsync(string id, string environment, long acked, DateTimeOffset ackedAt, bool measure, CancellationToken ct)
    {
        var limit = DateTime.UtcNow + deadline;
        var marker = $"({environment})";
        while (true)
        {
            var release = await GetAsync(id, ct);
            var line = release?["timeline"]?.AsArray().FirstOrDefault(t =>
                (string?)t!["kind"] == "event" && ((string?)t["message"] ?? "").Contains(marker, StringComparison.Ordinal)
                && ((string?)t["message"] ?? "").Contains("deploy", StringComparison.OrdinalIgnoreCase));
            if (line is not null)
            {
                if (measure)
                {
                    readings.AckToProjection.Add(Stopwatch.GetElapsedTime(acked).TotalMilliseconds);
                    if (line["at"] is { } at && DateTimeOffset.TryParse((string?)at, CultureInfo.InvariantCulture, DateTimeStyles.None, out var stamped))
                    {
                        readings.AckToOrchestration.Add((stamped - ackedAt).TotalMilliseconds);
                    }
                }

                return;
            }

            if (DateTime.UtcNow > limit)
            {
                throw new TimeoutException($"{id}: the {environment} deployment event never showed in the projection: {release?.ToJsonString()}");
            }

            await Task.Delay(measuredPoll, ct);
        }
    }

    /// <summary>
    /// Polls the projection until <paramref name="condition"/> holds (a wait that is not measured): every 250 ms at first,
    /// backing off by half again per poll to <c>waitPoll</c>, so a thousand drivers waiting on a slow step do not load
    /// the host with reads (issue 16: at N = 50 the fixed 500 ms made ~45 GETs a second).
    /// </summary>
    private async Task<JsonObject> WaitAsync(CancellationToken ct, string id, Func<JsonObject, bool> condition, string what)
    {
        var limit = DateTime.UtcNow + deadline;
        var delay = TimeSpan.FromMilliseconds(Math.Min(250, waitPoll.TotalMilliseconds));
        while (true)
        {
            var release = await GetAsync(id, ct);
            if (release is not null && condition(release))
            {
                return release;
            }

            if (DateTime.UtcNow > limit)
            {
                throw new TimeoutException($"{id} never reached: {what}; last: {release?["stage"]} {release?["statusReason"]}");
            }

            await Task.Delay(delay, ct);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 1.5, waitPoll.TotalMilliseconds));
        }
    }

    /// <summary>
    /// Posts an API write that must be answered 202. A 503 (storage did not answer within the handler's deadline; its
    /// problem says to send again) is counted and sent again after its Retry-After (1 s if none), as a client would.
    /// </summary>
    private async Task PostAsync(CancellationToken ct, string path, object body)
    {
        while (true)
        {
            using var response = await client.PostAsJsonAsync(path, body, ct);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                Interlocked.Increment(ref readings.UnavailableWrites);
                await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), ct);
                continue;
            }

            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
            }

            return;
        }
    }

    /// <summary>
    /// A CDEvents <c>service.deployed</c> for the release, signed, to the webhook; a 503 (storage past the handler's
    /// deadline) is counted and the delivery sent again as a sender would. Returns the 202's arrival (a Stopwatch
    /// timestamp and the wall clock).
    /// </summary>
    private async Task<(long Acked, DateTimeOffset AckedAt)> DeployedAsync(string releaseId, string system, string environment, bool measure, CancellationToken ct)
    {
        var eventId = Guid.NewGuid().ToString();
        while (true)
        {
            using var request = SignedCDEvents.Deployed(releaseId, environment, secret, DateTimeOffset.UtcNow, system, eventId: eventId);
            var started = Stopwatch.GetTimestamp();
            using var response = await client.SendAsync(request, ct);
            var acked = Stopwatch.GetTimestamp();
            var ackedAt = DateTimeOffset.UtcNow;
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                Interlocked.Increment(ref readings.Unavailable);
                continue;
            }

            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                throw new InvalidOperationException($"webhook for {releaseId} ({environment}): {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            if (measure)
            {
                readings.Acks.Add(Stopwatch.GetElapsedTime(started, acked).TotalMilliseconds);
            }

            return (acked, ackedAt);
        }
    }

    /// <summary>People for every role of the built-in policy (as the tests' <c>ValidRelease.Approvers</c>).</summary>
    private static readonly IReadOnlyDictionary<string, string[]> Approvers = new Dictionary<string, string[]>
    {
        ["executive"] = ["exec@example.com"],
        ["stakeholder"] = ["stakeholder@example.com"],
        ["product-owner"] = ["po@example.com"],
        ["technical-lead"] = ["lead@example.com", "lead2@example.com"],
        ["qa-lead"] = ["qa@example.com"],
        ["release-manager"] = ["rm@example.com"],
    };
}
