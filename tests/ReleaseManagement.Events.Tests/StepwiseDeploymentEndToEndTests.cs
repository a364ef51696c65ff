using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ReleaseFunctions.TestSupport;
using ReleaseManagement.Policy;

namespace ReleaseManagement.Events.Tests;

/// <summary>
/// Production deployed step by step over HTTP on the local host (its own process, the durable engine on Azurite), with a
/// locally played pipeline (<see cref="PipelinePlayer"/>): the signed deployment webhook carries each step, the pipeline
/// reports each step by a signed CDEvents <c>service.deployed</c> naming it, the idle slot's analysis (no telemetry here)
/// is signed off, and a failed step is rolled back naming it; the completed deployment's feature flag goes on through the
/// flag webhook (<c>FeatureFlags__Provider</c> webhook, the player again). Two hotfixes of two systems of their own run
/// side by side on one host.
/// </summary>
public sealed class StepwiseDeploymentEndToEndTests
{
    private const string CDEventsSecret = "stepwise-e2e-cdevents-secret-0123456789abcdef";
    private const string WebhookSecret = "stepwise-e2e-deploy-secret-0123456789abcdef";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Hotfixes_StepwiseBlueGreen_EachStepAskedSignedReportedAndAFailedSwapRolledBack()
    {
        var (good, bad) = (OwnSystem.NewName("swok"), OwnSystem.NewName("swbad"));
        var defaults = ReleasePolicyDefaults.Create();
        var policy = OwnSystem.AddTo(defaults, [good, bad]) with
        {
            Access = new() { RequestMayNameApprovers = true, PeopleMayReportMachineEvidence = true },
            TimeZone = "UTC",
            SuccessCriteria = defaults.SuccessCriteria with { WatchDuration = TimeSpan.FromSeconds(6), CheckInterval = TimeSpan.FromSeconds(1), ValidationDelay = TimeSpan.FromSeconds(1) },
            Deployment = defaults.Deployment with
            {
                Stepwise = true,
                Strategies = defaults.Deployment.Strategies.ToDictionary(
                    s => s.Key, s => s.Value with { Steps = [.. s.Value.Steps.Select(step => step with { Hold = step.Hold > TimeSpan.Zero ? TimeSpan.FromSeconds(1) : TimeSpan.Zero })] }),
            },
        };
        var policyPath = OwnSystem.Write(policy);
        await using var player = await PipelinePlayer.StartAsync(WebhookSecret, CDEventsSecret);
        await using var host = await LocalHostProcess.StartAsync(new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["TaskHubName"] = "stepwise" + Guid.NewGuid().ToString("N")[..12],
            ["Webhooks__CDEvents__Secrets__0"] = CDEventsSecret,
            ["Deployments__WebhookUrl"] = player.Url.ToString(),
            ["Deployments__Secret"] = WebhookSecret,
            ["Policy__Path"] = policyPath,
            ["FeatureFlags__Provider"] = "webhook",
            ["FeatureFlags__WebhookUrl"] = player.FlagsUrl.ToString(),
        }, cancellationToken: Ct);
        player.Host = host.Client;
        var (okId, badId) = ("swok-" + Guid.NewGuid().ToString("N")[..10], "swbad-" + Guid.NewGuid().ToString("N")[..10]);
        // The failing release's swap fails; its rollback, and everything else, succeeds.
        player.Outcome = (body, _) => (string?)body["releaseId"] == badId && (string?)body["step"]?["name"] == "swap" && (bool?)body["rollback"] != true ? "failure" : "success";

        var drivers = await Task.WhenAll(new[] { (okId, good), (badId, bad) }.Select(async r =>
        {
            using var requested = await host.Client.PostAsJsonAsync("/api/releases", new
            {
                id = r.Item1, title = "Stepwise hotfix", type = "Hotfix", systems = new[] { r.Item2 },
                featureFlags = new[] { new { name = "fast-refunds-" + r.Item1, steps = new[] { 100 } } },
                targetDate = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                requestedBy = "lead2@example.com", approvers = ValidRelease.Approvers,
            }, Ct);
            Assert.Equal(HttpStatusCode.Accepted, requested.StatusCode);
            var driver = new HotfixDriver(host.Client, r.Item1, policy, CDEventsSecret, Ct) { System = r.Item2 };
            await driver.ApproveEmergencyAsync();
            await driver.SubmitGateEvidenceAsync();

            // No telemetry is read on the local host: the idle slot's analysis is inconclusive, which is never a pass:
            // the release manager signs it off (onMissingHealthData: RequireSignOff).
            await driver.WaitAsync(d => HotfixDriver.Reason(d, "Analysis of step 1 of 2 of blue-green (idle-slot, the idle slot) ended without monitoring data"),
                "the idle slot's analysis to ask for a sign-off");
            await driver.PostAsync("evidence", new { item = "watch-signoff", kind = "attestation", by = "rm@example.com", note = "Idle slot checked by hand" });
            return driver;
        }));

        static IEnumerable<string> Lines(JsonObject release) => release["timeline"]!.AsArray().Select(t => (string?)t!["message"] ?? string.Empty);
        var ok = await drivers[0].WaitAsync(r => Lines(r).Contains("Deployed to production."), "the stepwise production deployment");
        var rolledBack = await drivers[1].WaitAsync(r => (string?)r["status"] == "RolledBack", "the failed swap to be rolled back");

        // The validation (no data here either) signed off, the release's feature flag goes on, through the flag webhook.
        await drivers[0].WaitAsync(r => HotfixDriver.Reason(r, "Post-deployment validation ended without monitoring data"), "the validation's sign-off");
        await drivers[0].PostAsync("evidence", new { item = "watch-signoff", kind = "attestation", by = "rm@example.com", note = "Validated by hand" });
        await Eventually.UntilAsync(() => Task.FromResult(player.Flags.ToArray()), f => f.Length > 0, TimeSpan.FromSeconds(60), "the feature flag to be turned on");
        var flag = Assert.Single(player.Flags);
        Assert.Equal(("fast-refunds-" + okId, true, 100, okId), ((string?)flag["flag"], (bool?)flag["enabled"], (int?)flag["percentage"], (string?)flag["releaseId"]));

        JsonObject[] Asked(string id) => [.. player.Received.Where(r => (string?)r.Body["releaseId"] == id && (string?)r.Body["environment"] == "production").Select(r => r.Body)];
        Assert.All(player.Received, r => Assert.True(r.Signed, r.Body.ToJsonString()));
        Assert.Equal(["idle-slot:false", "swap:false"], Asked(okId).Select(b => $"{b["step"]!["name"]}:{b["rollback"]}"));
        Assert.Equal(["idle-slot:false", "swap:false", "swap:true"], Asked(badId).Select(b => $"{b["step"]!["name"]}:{b["rollback"]}"));
        Assert.Equal(2, (int)Asked(okId)[1]["step"]!["number"]!);
        Assert.True((bool)Asked(okId)[1]["step"]!["swap"]!);
        Assert.Contains("Step 1 of 2 of blue-green (idle-slot, the idle slot) reported in production.", Lines(ok));
        Assert.Contains(Lines(ok), l => l.StartsWith("Holding step 1 of 2 of blue-green (idle-slot, the idle slot) for ", StringComparison.Ordinal));
        Assert.Contains(Lines(ok), l => l.StartsWith("ServiceDeployed from cdevents (production): success [idle-slot]", StringComparison.Ordinal));
        Assert.StartsWith("Rolled back: Step 2 of 2 of blue-green (swap, the swap) in production failure", (string?)rolledBack["statusReason"], StringComparison.Ordinal);
        File.Delete(policyPath);
    }
}
