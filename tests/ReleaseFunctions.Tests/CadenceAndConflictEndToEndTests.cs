using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ReleaseFunctions.Tests.Support;
using ReleaseFunctions.TestSupport;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseFunctions.Tests;

/// <summary>
/// The release cadence and production-window conflict rules over HTTP on the local host (its own process, durable engine
/// on Azurite), under a policy whose patches refuse to go over their cadence and whose conflicts warn. The releases touch
/// a system of their own, so releases of other tests on the same Azurite never count.
/// </summary>
public sealed class CadenceAndConflictEndToEndTests : IAsyncDisposable
{
    private readonly string _policyPath = Path.Combine(Path.GetTempPath(), $"cadence-e2e-policy-{Guid.NewGuid():N}.json");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync()
    {
        File.Delete(_policyPath);
        return ValueTask.CompletedTask;
    }

    private static async Task<(HttpStatusCode Status, JsonObject? Body)> SendAsync(HttpClient client, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await client.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text) as JsonObject);
    }

    private static async Task<JsonObject> GetAsync(HttpClient client, string id)
    {
        var (status, body) = await SendAsync(client, HttpMethod.Get, $"/api/releases/{id}");
        Assert.True(status == HttpStatusCode.OK, $"GET {id}: {status} {body}");
        return body!;
    }

    private static string? Warning(JsonObject release, string code) =>
        release["warnings"]!.AsArray().Where(w => (string?)w!["code"] == code).Select(w => (string?)w!["message"]).SingleOrDefault();

    private static object Release(string id, string type, string system, string target) => new
    {
        id, title = "Cadence " + id, type, systems = new[] { system }, targetDate = target, requestedBy = "lead2@example.com", approvers = ValidRelease.Approvers,
    };

    [Fact]
    public async Task LocalHost_ConflictsWarnOnBothReleasesUntilOneMovesOrEnds_OverCadenceRefusedStoresNothing()
    {
        var system = "Cadence" + string.Concat(Guid.NewGuid().ToString("N").Where(char.IsLetter).Take(8));
        var defaults = ReleasePolicyDefaults.Create();
        var policy = defaults with
        {
            Access = new() { RequestMayNameApprovers = true, PeopleMayReportMachineEvidence = true }, // requests name the shared test approvers (ValidRelease.Approvers)
            Systems = new Dictionary<string, SystemPolicy>(defaults.Systems) { [system] = defaults.Systems["Billing"] with { Description = "Cadence test system" } },
            ReleaseTypes = defaults.ReleaseTypes.ToDictionary(
                kv => kv.Key, kv => kv.Key == ReleaseType.Patch ? kv.Value with { FrequencyRule = FrequencyRule.Refuse } : kv.Value),
        };
        await File.WriteAllTextAsync(_policyPath, PolicyJson.Serialize(policy), Ct);
        await using var host = await LocalHostProcess.StartAsync(new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["TaskHubName"] = Azurite.UniqueTaskHub("cadence"),
            ["PipelineEvents__Table"] = "cadenceEvents" + Guid.NewGuid().ToString("N")[..12],
            ["Policy__Path"] = _policyPath,
        }, cancellationToken: Ct);
        var client = host.Client;
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (a, b) = ($"cad-a-{suffix}", $"cad-b-{suffix}");
        var target = ValidRelease.TargetDate();

        // Two minor releases of one system in one production window: both accepted (conflicts: Warn), the second also
        // over the monthly cadence (Minor: Warn).
        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(client, HttpMethod.Post, "/api/releases", Release(a, "Minor", system, target))).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(client, HttpMethod.Post, "/api/releases", Release(b, "Minor", system, target))).Status);

        // Once both orchestrations have projected their plan approval, the warnings the handler wrote are still there.
        foreach (var id in new[] { a, b })
        {
            await Eventually.UntilAsync(() => GetAsync(client, id), r => r["pendingApprovals"]!.AsArray().Count > 0, TimeSpan.FromSeconds(90), $"{id}'s plan approval to be asked");
        }

        var first = await GetAsync(client, a);
        var second = await GetAsync(client, b);
        Assert.Contains($"{b} (target {target}, {system})", Warning(first, AdmissionWarnings.WindowConflict), StringComparison.Ordinal);
        Assert.Contains($"{a} (target {target}, {system})", Warning(second, AdmissionWarnings.WindowConflict), StringComparison.Ordinal);
        Assert.Contains($"{a} ({target}, {system})", Warning(second, AdmissionWarnings.OverCadence), StringComparison.Ordinal);
        Assert.Null(Warning(first, AdmissionWarnings.OverCadence));
        Assert.Contains(second["timeline"]!.AsArray(), t => (string?)t!["kind"] == "warning" && ((string?)t["message"])!.Contains("Production window conflict", StringComparison.Ordinal));

        // Moving the first release to Thursday's window ends the conflict: the second release's warning is cleared.
        var thursday = DateOnly.ParseExact(target, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var move = await SendAsync(client, HttpMethod.Patch, $"/api/releases/{a}", new { targetDate = thursday, by = "rm@example.com" });
        Assert.True(move.Status == HttpStatusCode.Accepted, $"{move.Status} {move.Body}");
        Assert.Null(Warning(await GetAsync(client, b), AdmissionWarnings.WindowConflict));
        var moved = await GetAsync(client, a);
        Assert.Null(Warning(moved, AdmissionWarnings.WindowConflict));
        Assert.Contains(b, Warning(moved, AdmissionWarnings.OverCadence), StringComparison.Ordinal);

        // A third release joins the second's window (both warned); its plan is rejected: the release that ended lifts the
        // conflict it caused (the status activity writing its outcome), as a cancel would.
        var c = $"cad-c-{suffix}";
        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(client, HttpMethod.Post, "/api/releases", Release(c, "Minor", system, target))).Status);
        Assert.Contains($"{c} (target {target}, {system})", Warning(await GetAsync(client, b), AdmissionWarnings.WindowConflict), StringComparison.Ordinal);
        var reject = await SendAsync(client, HttpMethod.Post, $"/api/releases/{c}/decisions",
            new { stage = "plan", decision = "reject", approver = "po@example.com", role = "product-owner", comment = "Not this window" });
        Assert.True(reject.Status == HttpStatusCode.Accepted, $"{reject.Status} {reject.Body}");
        await Eventually.UntilAsync(() => GetAsync(client, c), r => (string?)r["status"] == "Rejected", TimeSpan.FromSeconds(90), $"{c} to be rejected");
        await Eventually.UntilAsync(() => GetAsync(client, b), r => Warning(r, AdmissionWarnings.WindowConflict) is null, TimeSpan.FromSeconds(30), $"{b}'s conflict with {c} to be lifted");

        // Patches refuse to go over their cadence: the second patch within 14 days is a 400 naming the first; nothing stored.
        var (p1, p2) = ($"cad-p1-{suffix}", $"cad-p2-{suffix}");
        var patchDate = ValidRelease.TargetDate(7);
        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(client, HttpMethod.Post, "/api/releases", Release(p1, "Patch", system, patchDate))).Status);
        var refused = await SendAsync(client, HttpMethod.Post, "/api/releases", Release(p2, "Patch", system, patchDate));
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains($"{p1} ({patchDate}, {system})", (string?)refused.Body!["errors"]!["cadence"]![0], StringComparison.Ordinal);
        var collision = Assert.Single(refused.Body["collisions"]!.AsArray());
        Assert.Equal((p1, patchDate, "cadence"), ((string?)collision!["id"], (string?)collision["targetDate"], (string?)collision["rule"]));
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(client, HttpMethod.Get, $"/api/releases/{p2}")).Status);

        foreach (var id in new[] { a, b, p1 })
        {
            Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(client, HttpMethod.Post, $"/api/releases/{id}/cancel", new { reason = "Test over", by = "rm@example.com" })).Status);
        }
    }
}
