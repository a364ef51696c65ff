using Microsoft.Playwright;
using ReleaseManagement.Approvals.Tests.Infrastructure;
using ReleaseFunctions.TestSupport;

namespace ReleaseManagement.Approvals.Tests;

/// <summary>
/// A person's path in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright; no browser download):
/// the link the release's orchestration emailed (read from smtp4dev), the page, Approve, and the release moving on.
/// </summary>
[StartFirst]
public sealed class BrowserTests(SmtpApprovalSystem system) : IAsyncLifetime
{
    private static readonly ApproverRef Lead = new("lead@example.com", "technical-lead");
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = TestEnvironment.ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }

    [Fact]
    public async Task EmailedLink_OpenedInChromium_ApproveMovesTheReleaseOn()
    {
        var id = await system.CreateReleaseAsync("Customer portal 3.1");
        var emails = await system.PlanEmailsAsync(id);
        var link = emails.Single(e => e.To == Lead.Email).Link;

        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 900, Height = 1000 } });
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync(link);
        Assert.Equal(200, response!.Status);
        Assert.Equal("Customer portal 3.1", await page.Locator("h1").InnerTextAsync());
        Assert.Contains("technical-lead", await page.Locator(".stage").InnerTextAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(TestEnvironment.ArtifactsDirectory, "approval-page.png"), FullPage = true });

        await page.FillAsync("#comment", "Plan reviewed; go ahead.");
        await page.ClickAsync("button[value=approve]");
        await page.Locator("h1", new PageLocatorOptions { HasText = "Approved" }).WaitForAsync();
        Assert.Contains("was recorded at", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(TestEnvironment.ArtifactsDirectory, "approval-recorded.png") });

        var decision = Assert.Single(await system.Decisions.ListAsync(id, "plan", Ct));
        Assert.Equal("Plan reviewed; go ahead.", decision.Comment);
        Assert.Contains("HeadlessChrome", decision.UserAgent, StringComparison.Ordinal);
        Assert.Equal("Planning", (await system.GetReleaseAsync(id, Ct)).GetProperty("phase").GetString());

        // The product owner approves from their emailed link too (the Minor plan needs both roles): the release leaves
        // the plan stage for development.
        var ownerPage = await context.NewPageAsync();
        await ownerPage.GotoAsync(emails.Single(e => e.To == "po@example.com").Link);
        Assert.Contains("<strong>lead@example.com</strong> (technical-lead): approved at", await ownerPage.ContentAsync(), StringComparison.Ordinal);
        await ownerPage.ClickAsync("button[value=approve]");
        await ownerPage.Locator("h1", new PageLocatorOptions { HasText = "Approved" }).WaitForAsync();

        var release = await system.WaitForReleaseAsync(id, r => r.GetProperty("phase").GetString() == "Development", Ct);
        Assert.Equal("Active", release.GetProperty("status").GetString());
        Assert.Equal(["lead@example.com", "po@example.com"], (await system.Decisions.ListAsync(id, "plan", Ct)).Select(d => d.Approver).Order());

        // Back to the link: it has been used. The second lead's link, never used, now says the stage is closed.
        await page.GotoAsync(link);
        Assert.Equal("Already decided", await page.Locator("h1").InnerTextAsync());
        var closed = await page.GotoAsync(emails.Single(e => e.To == "lead2@example.com").Link);
        Assert.Equal(410, closed!.Status);
        Assert.Contains("The plan stage was approved.", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await context.CloseAsync();
    }

    [Fact]
    public async Task ScannerLikePageLoad_WithScriptsAndPrefetch_DecidesNothing()
    {
        var id = await system.CreateReleaseAsync("Customer portal 3.1");
        var link = await system.PlanLinkAsync(id, Lead.Email);

        // A scanner renders the page with JavaScript on, tries scripted clicks, follows everything it can and leaves.
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { JavaScriptEnabled = true });
        var page = await context.NewPageAsync();
        await page.GotoAsync(link, new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        await page.ReloadAsync(new PageReloadOptions { WaitUntil = WaitUntilState.NetworkIdle });
        // A script injected into the page (as a scanner's rewriting proxy might) is refused by the Content-Security-Policy:
        var injected = await Record.ExceptionAsync(() => page.AddScriptTagAsync(new PageAddScriptTagOptions { Content = "document.querySelector('button[value=approve]').click()" }));
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.NotNull(injected);
        Assert.Equal("Customer portal 3.1", await page.Locator("h1").InnerTextAsync());
        await context.CloseAsync();

        Assert.Empty(await system.Decisions.ListAsync(id, "plan", Ct));
        var stored = await system.Requests.GetAsync(ApprovalTokens.Hash(ApprovalSystem.TokenOf(link)), Ct);
        Assert.Equal(ApprovalRequestState.Open, stored!.State);
        var release = await system.GetReleaseAsync(id, Ct);
        Assert.Equal(("Planning", "Active"), (release.GetProperty("phase").GetString(), release.GetProperty("status").GetString()));
    }
}
