using System.Net;
using ReleaseManagement.Api.Dashboard;

namespace ReleaseManagement.Dashboard.Tests;

/// <summary>The release page's pipeline simulator (Development mode, local host), clicked in Chromium.</summary>
public sealed class SimulatorBrowserTests(DashboardSystem system)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReleasePage_PipelineSimulator_TakesAHotfixFromRequestToCompletedThroughTheWebhook()
    {
        var id = await system.CreateHotfixAsync("Simulated hotfix", Ct);
        await system.WaitForReleaseAsync(id, r => r.GetProperty("pendingApprovals").GetArrayLength() > 0, Ct);
        await system.DecideAsync(id, "emergency", "rm@example.com", "release-manager", Ct);
        await system.DecideAsync(id, "emergency", "lead@example.com", "technical-lead", Ct);

        // The release manager signs in with the dev sign-in; the simulator plays the pipeline.
        var (page, cspErrors) = await system.NewPageAsync();
        await page.GotoAsync(system.Url(DashboardRoutes.SignIn));
        await page.SelectOptionAsync("#person", "rm@example.com");
        await page.RunAndWaitForLoadAsync(() => page.ClickAsync("form button[type=submit]"), url => new Uri(url).AbsolutePath == DashboardRoutes.Board);
        await system.SimulateAsync(page, id, "promotion:staging", "evidence|unit-tests|success");
        Assert.Contains("accepted by the webhook", await page.Locator("#action-notice").InnerTextAsync(), StringComparison.Ordinal);
        await system.SimulateAsync(page, id, "gate:staging", "configuration|staging");
        await system.SimulateAsync(page, id, "deploy:staging", "deployed|staging|success");
        await system.SimulateAsync(page, id, "promotion:production", "evidence|regression-tests|success");
        await system.WaitForReleaseAsync(id, r => r.GetProperty("stage").GetString() == "gate:production", Ct);
        await page.GotoAsync(system.Url(DashboardRoutes.Release(id)));
        Assert.Contains("The quality gate of production waits", await page.Locator("#simulator-stage").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await page.Locator("#simulator button.failing[value=\"evidence|backup|failure\"]").CountAsync());
        Assert.StartsWith("All ", await page.Locator("#simulator button").First.InnerTextAsync(), StringComparison.Ordinal);
        await DashboardSystem.AssertAccessibleAsync(page);
        await system.SimulateAsync(page, id, "gate:production", "configuration|production");
        await system.SimulateAsync(page, id, "deploy:production", "deployed|production|success");

        // No health data on the local host: the release manager signs off the validation and the watch, then records the review.
        static bool Reason(System.Text.Json.JsonElement r, string text) =>
            r.TryGetProperty("statusReason", out var reason) && (reason.GetString() ?? "").Contains(text, StringComparison.Ordinal);
        await system.AttestFromFormAsync(page, id, r => Reason(r, "Post-deployment validation ended without monitoring data"), "watch-signoff");
        await system.AttestFromFormAsync(page, id, r => Reason(r, "Watch ended without monitoring data"), "watch-signoff");
        await system.AttestFromFormAsync(page, id, r => r.GetProperty("stage").GetString() == "emergency-review", "emergency-review");
        await system.WaitForReleaseAsync(id, r => r.GetProperty("status").GetString() == "Completed", Ct);

        // Each delivery came through the webhook as a pipeline's does: on the timeline and in the deployments table.
        await page.GotoAsync(system.Url(DashboardRoutes.Release(id)));
        Assert.Equal("Completed", await page.Locator("#release-status").InnerTextAsync());
        Assert.Equal(0, await page.Locator("#simulator").CountAsync());
        var deployments = await page.Locator("#deployments tbody tr").AllInnerTextsAsync();
        Assert.Contains(deployments, d => d.Contains("production", StringComparison.Ordinal) && d.Contains(SimulatedSignals.Version, StringComparison.Ordinal));
        var timeline = await page.Locator("#timeline li").AllInnerTextsAsync();
        Assert.Contains(timeline, t => t.Contains("Deployed to production", StringComparison.Ordinal));
        Assert.Empty(cspErrors);
        await page.Context.CloseAsync();

        // A forged form or a signal the policy does not know: a page saying so, nothing sent.
        var action = DashboardRoutes.Action(PipelineSimulator.Route, id);
        using var forged = await system.Host.Client.PostAsync(action, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [PipelineSimulator.SignalField] = "deployed|production|failure", ["form"] = "forged",
        }), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("did not come from the release page", await forged.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }
}
