using Microsoft.Playwright;
using ReleaseFunctions.TestSupport;
using ReleaseManagement.Api.Dashboard;

namespace ReleaseManagement.Dashboard.Tests;

/// <summary>
/// The dashboard as people use it, in headless Chromium against the local host (<see cref="DashboardSystem"/>, one for the
/// assembly): releases started through the API on the board, an approval moving a card without a reload, the release page,
/// and its reschedule and cancel forms without JavaScript, with axe-core and screenshots at desktop and phone width. The
/// release page's other forms, its pipeline simulator and the overview pages are classes of their own
/// (<see cref="ReleaseFormsBrowserTests"/>, <see cref="SimulatorBrowserTests"/>, <see cref="OverviewBrowserTests"/>,
/// <see cref="SignInAndMetricsBrowserTests"/>), so that they run side by side: most of a browser test's time is waiting on
/// the release it drives, and one class of them ran for five and a half minutes in a full run.
/// </summary>
public sealed class BrowserTests(DashboardSystem system)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Card(string column, string id) => $"#column-{column} [data-release-id=\"{id}\"]";

    [Fact]
    public async Task Board_ReleasesCreatedThroughTheApi_AppearAndAnApprovalMovesTheCardWithoutReload()
    {
        var billing = system.Systems.Next();
        var first = await system.CreateReleaseAsync("Billing January", billing, Ct);
        var second = await system.CreateReleaseAsync("Forecasting refresh", ct: Ct);
        await system.WaitForReleaseAsync(first, r => r.GetProperty("phase").GetString() == "Planning" && r.GetProperty("pendingApprovals").GetArrayLength() > 0, Ct);

        var (page, cspErrors) = await system.NewPageAsync();
        var response = await page.GotoAsync(system.Url("/"));
        Assert.Equal(200, response!.Status);
        Assert.Equal("Releases", await page.Locator("h1").InnerTextAsync());
        await page.WaitForSelectorAsync(Card("planning", first), DashboardSystem.Live);
        await page.WaitForSelectorAsync(Card("planning", second), DashboardSystem.Live);
        var card = page.Locator(Card("planning", first));
        Assert.Equal("Billing January", await card.Locator("h3").InnerTextAsync());
        var text = await card.InnerTextAsync();
        Assert.Contains("Minor", text, StringComparison.Ordinal);
        Assert.Contains(billing, text, StringComparison.Ordinal);
        Assert.Contains("Plan approval: product-owner, technical-lead, by", text, StringComparison.Ordinal);
        await DashboardSystem.AssertAccessibleAsync(page);
        await DashboardSystem.ScreenshotsAsync(page, "board");

        // The page stays open: a marker set now survives only if nothing reloads it.
        await page.EvaluateAsync("() => { window.dashboardMarker = 'still here'; }");
        await system.DecideAsync(first, "plan", "po@example.com", "product-owner", Ct);
        await system.DecideAsync(first, "plan", "lead@example.com", "technical-lead", Ct);

        await page.WaitForSelectorAsync(Card("development", first), DashboardSystem.Live);
        Assert.Equal("still here", await page.EvaluateAsync<string>("() => window.dashboardMarker"));
        Assert.Equal(0, await page.Locator(Card("planning", first)).CountAsync());
        Assert.Equal(1, await page.Locator(Card("planning", second)).CountAsync());
        Assert.Empty(cspErrors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ReleasePage_ShowsPipelineGatesApprovalsAndTimeline()
    {
        var id = await system.CreateReleaseAsync("Release page tour", ct: Ct);
        await system.WaitForReleaseAsync(id, r => r.GetProperty("pendingApprovals").GetArrayLength() > 0, Ct);
        await system.DecideAsync(id, "plan", "po@example.com", "product-owner", Ct);
        await system.DecideAsync(id, "plan", "lead@example.com", "technical-lead", Ct);
        await system.WaitForReleaseAsync(id, r => r.GetProperty("phase").GetString() == "Development", Ct);
        foreach (var milestone in new[] { "feature-complete", "code-freeze", "testing-ready", "release-candidate" })
        {
            await system.MilestoneAsync(id, milestone, Ct);
        }

        await system.WaitForReleaseAsync(id, r => r.GetProperty("gates").GetArrayLength() > 0, Ct);

        var (page, cspErrors) = await system.NewPageAsync();
        var response = await page.GotoAsync(system.Url(DashboardRoutes.Release(id)));
        Assert.Equal(200, response!.Status);
        Assert.Equal("Release page tour", await page.Locator("h1").InnerTextAsync());
        Assert.Equal(["Development", "Integration", "Staging", "Production"], await page.Locator(".pipeline > li h3").AllInnerTextsAsync());
        Assert.True(await page.Locator("#gates tbody tr").CountAsync() > 0);
        var plan = page.Locator("[data-stage=\"plan\"]");
        Assert.Contains("Approved", await plan.Locator(".stage-state").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(2, await plan.Locator(".decision").CountAsync());
        Assert.Contains("po@example.com", await plan.InnerTextAsync(), StringComparison.Ordinal);
        var timeline = await page.Locator("#timeline li").AllInnerTextsAsync();
        Assert.Contains(timeline, line => line.Contains("Milestone feature-complete reached.", StringComparison.Ordinal));
        Assert.Contains(timeline, line => line.Contains("Planning: risk", StringComparison.Ordinal));
        await DashboardSystem.AssertAccessibleAsync(page);
        await DashboardSystem.ScreenshotsAsync(page, "release");
        Assert.Empty(cspErrors);

        var missing = await page.GotoAsync(system.Url(DashboardRoutes.Release("no-such-release")));
        Assert.Equal(404, missing!.Status);
        Assert.Equal("No such release", await page.Locator("h1").InnerTextAsync());
        await DashboardSystem.AssertAccessibleAsync(page);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ReleasePage_RescheduleAndCancelWithoutJavaScript_ChangeTheReleaseOrShowTheProblem()
    {
        var id = await system.CreateReleaseAsync("Reschedule and cancel", ct: Ct);
        var before = await system.WaitForReleaseAsync(id, r => r.GetProperty("pendingApprovals").GetArrayLength() > 0, Ct);
        var (page, _) = await system.NewPageAsync(javaScript: false);
        await page.GotoAsync(system.Url(DashboardRoutes.Release(id)));

        // Tomorrow is inside the planning horizon's minimum lead time: refused by the policy check, nothing changes.
        var tomorrow = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await page.ClickAsync("#form-reschedule summary");
        await page.FillAsync("#reschedule-targetDate", tomorrow);
        await page.FillAsync("#reschedule-by", "rm@example.com");
        Assert.Equal(400, await page.SubmitFormAsync("reschedule"));
        Assert.Contains("must be planned at least", await page.Locator("#reschedule-targetDate-error").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(tomorrow, await page.InputValueAsync("#reschedule-targetDate"));

        var later = ValidRelease.TargetDate(42);
        await page.FillAsync("#reschedule-targetDate", later);
        await page.FillAsync("#reschedule-reason", "Vendor delivery moved.");
        Assert.Equal(303, await page.SubmitFormAsync("reschedule"));
        Assert.EndsWith("?done=reschedule", page.Url, StringComparison.Ordinal);
        await system.WaitForReleaseAsync(id, r => r.GetProperty("targetDate").GetString() == later, Ct);
        Assert.NotEqual(later, before.GetProperty("targetDate").GetString());

        // A cancel with a forged anti-forgery value, or without the confirmation, changes nothing.
        using var forged = await system.PostFormAsync(id, "cancel", new() { ["reason"] = "Forged", ["confirm"] = "yes", ["by"] = "rm@example.com", ["form"] = "forged" });
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, forged.StatusCode);
        await page.GotoAsync(system.Url(DashboardRoutes.Release(id)));
        var value = await page.InputValueAsync("#form-cancel input[name=form]");
        using var unconfirmed = await system.PostFormAsync(id, "cancel", new() { ["reason"] = "Not confirmed", ["by"] = "rm@example.com", ["form"] = value });
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, unconfirmed.StatusCode);
        Assert.Contains("Tick the box to confirm", await unconfirmed.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal("Active", (await system.WaitForReleaseAsync(id, _ => true, Ct)).GetProperty("status").GetString());

        await page.ClickAsync("#form-cancel summary");
        await page.FillAsync("#cancel-reason", "Superseded by the next release.");
        await page.FillAsync("#cancel-by", "rm@example.com");

        await page.CheckAsync("#cancel-confirm");
        Assert.Equal(303, await page.SubmitFormAsync("cancel"));
        Assert.EndsWith("?done=cancel", page.Url, StringComparison.Ordinal);
        await system.WaitForReleaseAsync(id, r => r.GetProperty("status").GetString() == "Cancelled", Ct);
        await page.ReloadAsync();
        Assert.Equal(0, await page.Locator("form[method=post]").CountAsync());
        await page.Context.CloseAsync();
    }
}
