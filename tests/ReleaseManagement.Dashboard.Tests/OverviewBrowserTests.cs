using Microsoft.Playwright;
using ReleaseFunctions.TestSupport;
using ReleaseManagement.Api.Dashboard;

namespace ReleaseManagement.Dashboard.Tests;

/// <summary>
/// The dashboard's overview pages in headless Chromium against the local host (<see cref="DashboardSystem"/>): the board
/// without JavaScript, the environments matrix filled by webhook deliveries, the calendar and the pages' headers, with
/// axe-core and screenshots. The metrics page, the dev sign-in and the delegations are in
/// <see cref="SignInAndMetricsBrowserTests"/>; the board's live updates and the release page in <see cref="BrowserTests"/>.
/// </summary>
public sealed class OverviewBrowserTests(DashboardSystem system)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Board_WithoutJavaScript_IsCompleteAndFiltersWithTheForm()
    {
        var wanted = await system.CreateReleaseAsync("Searchable zebra release", ct: Ct);
        var other = await system.CreateReleaseAsync("Another release", ct: Ct);
        await system.WaitForReleaseAsync(other, r => r.GetProperty("phase").GetString() == "Planning", Ct);

        var (page, _) = await system.NewPageAsync(javaScript: false);
        await page.GotoAsync(system.Url(DashboardRoutes.Board));
        Assert.Equal(1, await page.Locator($"[data-release-id=\"{wanted}\"]").CountAsync());
        Assert.Equal(1, await page.Locator($"[data-release-id=\"{other}\"]").CountAsync());

        await page.FillAsync("#f-q", "zebra");
        await page.SelectOptionAsync("#f-type", "Minor");
        await page.RunAndWaitForLoadAsync(() => page.ClickAsync("button[type=submit]"), url => url.Contains("q=zebra", StringComparison.Ordinal));

        Assert.Contains("type=Minor", page.Url, StringComparison.Ordinal);
        Assert.Equal(1, await page.Locator($"[data-release-id=\"{wanted}\"]").CountAsync());
        Assert.Equal(0, await page.Locator($"[data-release-id=\"{other}\"]").CountAsync());
        Assert.Equal("zebra", await page.InputValueAsync("#f-q"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Environments_DeploymentEventsSentToTheWebhook_FillTheMatrixWithoutReload()
    {
        var id = await system.CreateReleaseAsync("Deployed somewhere", "Integration", Ct);
        await system.WaitForReleaseAsync(id, r => r.GetProperty("phase").GetString() == "Planning", Ct);

        var (page, cspErrors) = await system.NewPageAsync();
        await page.GotoAsync(system.Url(DashboardRoutes.Environments));
        Assert.Equal("Environments", await page.Locator("h1").InnerTextAsync());
        var staging = page.Locator("tr[data-system=\"Integration\"] td[data-environment=\"Staging\"]");
        Assert.DoesNotContain(id, await staging.InnerTextAsync(), StringComparison.Ordinal);

        await system.SendDeploymentAsync(id, "staging", "Integration", "3.4.5", Ct);
        await page.WaitForSelectorAsync($"tr[data-system=\"Integration\"] td[data-environment=\"Staging\"] a:text-is(\"{id}\")", DashboardSystem.Live);

        Assert.Contains("Deployment success", await staging.InnerTextAsync(), StringComparison.Ordinal);
        await DashboardSystem.AssertAccessibleAsync(page);
        await DashboardSystem.ScreenshotsAsync(page, "environments");
        Assert.Empty(cspErrors);

        // The release page lists the same deployment.
        await page.GotoAsync(system.Url(DashboardRoutes.Release(id)));
        Assert.Contains("staging", await page.Locator("#deployments").InnerTextAsync(), StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Calendar_ShowsWindowsInThePolicyTimeZoneABlackoutAndTargetDates()
    {
        var id = await system.CreateReleaseAsync("Calendar release", ct: Ct);
        var target = await system.WaitForReleaseAsync(id, r => r.GetProperty("phase").GetString() == "Planning", Ct);

        var (page, cspErrors) = await system.NewPageAsync();
        await page.GotoAsync(system.Url(DashboardRoutes.Calendar));
        Assert.Equal("Calendar", await page.Locator("h1").InnerTextAsync());
        Assert.Contains("America/New_York", await page.Locator("main > p").First.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(8, await page.Locator("section.week").CountAsync());
        Assert.Contains("Window 20:00–00:00", await page.Locator("li.day.has-window").First.InnerTextAsync(), StringComparison.Ordinal);
        var blackout = page.Locator($"li[data-date=\"{DashboardSystem.BlackoutDate:yyyy-MM-dd}\"]");
        Assert.Contains($"Blackout: {DashboardSystem.BlackoutReason} (no window)", await blackout.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await blackout.Locator(".window").CountAsync());
        var targetDay = page.Locator($"li[data-date=\"{target.GetProperty("targetDate").GetString()}\"]");
        Assert.Equal(1, await targetDay.Locator($"a:text-is(\"{id}\")").CountAsync());
        await DashboardSystem.AssertAccessibleAsync(page);
        await DashboardSystem.ScreenshotsAsync(page, "calendar");
        Assert.Empty(cspErrors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Pages_Headers_CarryANonceCspAndTheScriptIsServedByTheApp()
    {
        using var board = await system.Host.Client.GetAsync(DashboardRoutes.Board, Ct);
        var csp = string.Join(";", board.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'nonce-", csp, StringComparison.Ordinal);
        var html = await board.Content.ReadAsStringAsync(Ct);
        var nonce = System.Text.RegularExpressions.Regex.Match(csp, "'nonce-([^']+)'").Groups[1].Value;
        Assert.Contains($"nonce=\"{nonce}\"", html, StringComparison.Ordinal);

        using var script = await system.Host.Client.GetAsync(DashboardAssets.Url("htmx.min.js"), Ct);
        Assert.True(script.IsSuccessStatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType!.MediaType);

        using var fragment = new HttpRequestMessage(HttpMethod.Get, DashboardRoutes.Board);
        fragment.Headers.Add("HX-Request", "true");
        using var live = await system.Host.Client.SendAsync(fragment, Ct);
        Assert.StartsWith("<div id=\"board-live\"", (await live.Content.ReadAsStringAsync(Ct)).TrimStart(), StringComparison.Ordinal);
    }
}
