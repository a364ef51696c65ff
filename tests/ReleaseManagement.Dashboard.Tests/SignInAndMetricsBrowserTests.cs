using Microsoft.Playwright;
using ReleaseFunctions.TestSupport;
using ReleaseManagement.Api.Dashboard;

namespace ReleaseManagement.Dashboard.Tests;

/// <summary>
/// The metrics page, the dev sign-in (the dashboard and the API acting as the person picked) and the delegations page in
/// headless Chromium against the local host (<see cref="DashboardSystem"/>), with axe-core and screenshots.
/// </summary>
public sealed class SignInAndMetricsBrowserTests(DashboardSystem system)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Metrics_ReadsStoredRollupsOnly_ShowsTheCurrentMonthAndQuarterWithTrendsAndReportLinks()
    {
        var (page, cspErrors) = await system.NewPageAsync();
        // The page reads the stored daily rollups only and computes none (it used to roll up about seven months of days on
        // a new store's first view, about 35 s): it answers at once, whatever the shared store holds. Days the daily rollup
        // has not computed yet make the periods that need them say so, in a notice, never as zeros.
        var response = await page.GotoAsync(system.Url(DashboardRoutes.Metrics), new() { Timeout = 30_000 });
        Assert.Equal(200, response!.Status);
        Assert.Equal("Metrics", await page.Locator("h1").InnerTextAsync());
        var headers = await page.Locator("#metrics thead th").AllInnerTextsAsync();
        Assert.Contains(headers, h => h.StartsWith("Month ", StringComparison.Ordinal));
        Assert.Contains(headers, h => h.StartsWith("Quarter ", StringComparison.Ordinal));
        var table = await page.Locator("#metrics").InnerTextAsync();
        Assert.Contains("Change failure rate", table, StringComparison.Ordinal);
        Assert.StartsWith("Read at ", await page.Locator("#computed").InnerTextAsync(), StringComparison.Ordinal);
        if (table.Contains(MetricsView.NotComputedValue, StringComparison.Ordinal))
        {
            var notice = page.Locator("#not-computed");
            Assert.StartsWith("Not computed yet: ", await notice.InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal("status", await notice.GetAttributeAsync("role"));
        }

        Assert.Equal(3, await page.Locator("figure.chart svg").CountAsync());
        await DashboardSystem.AssertAccessibleAsync(page);
        await DashboardSystem.ScreenshotsAsync(page, "metrics");

        // The report link: GET /api/reports/{period} still builds a report that was not stored from the rollups, rolling up
        // the finished days still missing (on a new store, the ~35 s the page no longer spends), so it may take long.
        var report = await page.Locator("a.report-link").First.GetAttributeAsync("href");
        var stored = await page.Context.APIRequest.GetAsync(system.Url(report!), new() { Timeout = 120_000 });
        Assert.True(stored.Ok, $"{report}: {stored.Status}");
        Assert.Empty(cspErrors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task DevSignIn_PickAPersonWithoutJavaScript_TheDashboardAndTheApiActAsThem()
    {
        // The page: accessible, within the CSP, listing the directory's people with their roles.
        var (page, cspErrors) = await system.NewPageAsync();
        var response = await page.GotoAsync(system.Url(DashboardRoutes.SignIn));
        Assert.Equal(200, response!.Status);
        Assert.Equal("Dev sign-in", await page.Locator("h1").InnerTextAsync());
        Assert.Contains("rm@example.com: release-manager", await page.Locator("#person").InnerTextAsync(), StringComparison.Ordinal);
        await DashboardSystem.AssertAccessibleAsync(page);
        await DashboardSystem.ScreenshotsAsync(page, "dev-sign-in");
        Assert.Empty(cspErrors);
        await page.Context.CloseAsync();

        // Signing in is a plain form POST: no script needed.
        var (plain, _) = await system.NewPageAsync(javaScript: false);
        await plain.GotoAsync(system.Url(DashboardRoutes.SignIn));
        await plain.SelectOptionAsync("#person", "rm@example.com");
        await plain.RunAndWaitForLoadAsync(() => plain.ClickAsync("form button[type=submit]"), url => new Uri(url).AbsolutePath == DashboardRoutes.Board);
        var cookie = Assert.Single(await plain.Context.CookiesAsync(), c => c.Name == ReleaseManagement.Api.Auth.DevSignIn.CookieName);
        Assert.Equal("rm@example.com", Uri.UnescapeDataString(cookie.Value));
        Assert.True(cookie.HttpOnly);
        await plain.GotoAsync(system.Url(DashboardRoutes.SignIn));
        Assert.Equal("Signed in as rm@example.com.", await plain.Locator("#signed-in").InnerTextAsync());

        // The API treats the cookie's person as signed in: a body naming someone else is refused, nothing stored.
        var id = "dsh-" + Guid.NewGuid().ToString("N")[..10];
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/releases")
        {
            Content = new StringContent(
                $$"""{ "id": "{{id}}", "title": "Signed in", "type": "Minor", "systems": ["Billing"], "targetDate": "{{ValidRelease.TargetDate()}}", "requestedBy": "po@example.com" }""",
                System.Text.Encoding.UTF8,
                "application/json"),
        };
        request.Headers.Add("Cookie", $"{cookie.Name}={cookie.Value}");
        using var refused = await system.Host.Client.SendAsync(request, Ct);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, refused.StatusCode);
        using var read = await system.Host.Client.GetAsync($"/api/releases/{id}", Ct);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, read.StatusCode);

        // Signing out clears the cookie.
        await plain.ClickAsync("#sign-out");
        await plain.WaitForSelectorAsync("text=Not signed in");
        Assert.DoesNotContain(await plain.Context.CookiesAsync(), c => c.Name == ReleaseManagement.Api.Auth.DevSignIn.CookieName);
        await plain.Context.CloseAsync();
    }

    [Fact]
    public async Task Delegations_SignedInPersonDelegatesAndEndsFromTheForms_ListedAndAccessible()
    {
        // Signed in (the dev sign-in's form) as an auditor of this host's own directory.
        var (page, cspErrors) = await system.NewPageAsync();
        await page.GotoAsync(system.Url(DashboardRoutes.SignIn));
        await page.SelectOptionAsync("#person", system.AwayAuditor);
        await page.RunAndWaitForLoadAsync(() => page.ClickAsync("form button[type=submit]"), url => new Uri(url).AbsolutePath == DashboardRoutes.Board);
        var response = await page.GotoAsync(system.Url(DashboardRoutes.Delegations));
        Assert.Equal(200, response!.Status);
        Assert.Equal($"Signed in as {system.AwayAuditor}, holding auditor.", await page.Locator("#signed-in").InnerTextAsync());

        // Delegating from the form: the page comes back listing it, running, with a button to end it.
        var reason = "Away " + Guid.NewGuid().ToString("N")[..8];
        var until = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(5).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await page.FillAsync("#d-to", system.CoveringAuditor);
        await page.CheckAsync("#d-role-auditor");
        await page.FillAsync("#d-until", until);
        await page.FillAsync("#d-reason", reason);
        await page.RunAndWaitForLoadAsync(() => page.ClickAsync("section[aria-labelledby=h-delegate] button[type=submit]"), url => new Uri(url).AbsolutePath == DashboardRoutes.Delegations);
        var row = page.Locator("section[aria-labelledby=h-made] tbody tr", new() { HasText = system.CoveringAuditor });
        Assert.Equal(1, await row.CountAsync());
        Assert.Contains("auditor", await row.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await row.Locator("button[type=submit]").CountAsync());
        await DashboardSystem.AssertAccessibleAsync(page);
        await DashboardSystem.ScreenshotsAsync(page, "delegations");

        // The API lists it as the signed-in person's, with the form's reason.
        using var listed = await system.Host.Client.GetAsync($"/api/delegations?person={Uri.EscapeDataString(system.AwayAuditor)}", Ct);
        var delegated = System.Text.Json.Nodes.JsonNode.Parse(await listed.Content.ReadAsStringAsync(Ct))!["delegated"]!.AsArray();
        var made = Assert.Single(delegated, d => (string?)d!["reason"] == reason)!;
        Assert.Equal(system.CoveringAuditor, (string?)made["delegate"]);
        Assert.Equal("true", made["active"]!.ToString());

        // Ending it from its button: the page comes back without the button, and the API says it is no longer active.
        await page.RunAndWaitForLoadAsync(() => row.Locator("button[type=submit]").ClickAsync(), url => new Uri(url).AbsolutePath == DashboardRoutes.Delegations);
        Assert.Equal(0, await page.Locator("section[aria-labelledby=h-made] tbody tr", new() { HasText = system.CoveringAuditor }).Locator("button[type=submit]").CountAsync());
        using var after = await system.Host.Client.GetAsync($"/api/delegations?person={Uri.EscapeDataString(system.AwayAuditor)}", Ct);
        var ended = System.Text.Json.Nodes.JsonNode.Parse(await after.Content.ReadAsStringAsync(Ct))!["delegated"]!.AsArray();
        Assert.Equal("false", Assert.Single(ended, d => (string?)d!["reason"] == reason)!["active"]!.ToString());
        Assert.Empty(cspErrors);
        await page.Context.CloseAsync();
    }
}
