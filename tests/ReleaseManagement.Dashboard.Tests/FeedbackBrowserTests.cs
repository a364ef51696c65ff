using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Api.Dashboard;
using ReleaseManagement.Api.Feedback;
using ReleaseManagement.Azure.Storage;
using ReleaseManagement.Azure.Tables;

namespace ReleaseManagement.Dashboard.Tests;

/// <summary>
/// Issue 27, point 1, in headless Chromium against the local host: a reader's feedback link (made as the host makes them,
/// with its form key, in its table) opens a rating form that works without JavaScript, within the page's strict CSP, with
/// no serious axe-core violation; the answer shows on the release page's "User satisfaction", with the comment.
/// </summary>
public sealed class FeedbackBrowserTests(DashboardSystem system)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FeedbackLink_RateWithoutJavaScript_ShowsOnTheReleasePage_OnceOnly()
    {
        var id = await system.CreateReleaseAsync("Feedback <page>", ct: Ct);
        var links = new FeedbackLinks(
            Options.Create(new ApprovalOptions { FormKey = DashboardSystem.FormKey, PublicBaseUrl = system.Host.BaseAddress.ToString() }),
            new TableFeedbackStore(StorageClients.FromConnectionString(Environment.GetEnvironmentVariable("AZURITE_CONNECTION_STRING")!).Tables));
        var first = await links.LinkAsync(id, "post-deployment-report@2027-01-05", "reader1@example.com", DateTimeOffset.UtcNow, Ct);
        await links.LinkAsync(id, "post-deployment-report@2027-01-05", "reader2@example.com", DateTimeOffset.UtcNow, Ct);

        // The form: accessible, within its CSP, as the reader sees it.
        var (page, cspErrors) = await system.NewPageAsync();
        var response = await page.GotoAsync(first);
        Assert.Equal(200, response!.Status);
        Assert.Equal("How did release Feedback <page> go for you?", await page.Locator("h1").InnerTextAsync());
        Assert.Equal(5, await page.Locator("input[type=radio][name=rating]").CountAsync());
        await DashboardSystem.AssertAccessibleAsync(page);
        await DashboardSystem.ScreenshotsAsync(page, "feedback-form");
        Assert.Empty(cspErrors);
        await page.Context.CloseAsync();

        // Answered with script off: a plain form post.
        var (plain, plainErrors) = await system.NewPageAsync(javaScript: false);
        await plain.GotoAsync(first);
        await plain.GetByLabel("4 – very good").CheckAsync();
        await plain.FillAsync("#comment", "Smooth <b>cut-over</b>");
        var posted = await plain.RunAndWaitForResponseAsync(() => plain.ClickAsync("button[type=submit]"), r => r.Request.Method == "POST");
        Assert.Equal(200, posted.Status);
        await plain.WaitForLoadStateAsync();
        Assert.Equal("Thank you", await plain.Locator("h1").InnerTextAsync());
        await plain.GotoAsync(first);
        Assert.Equal("Already answered", await plain.Locator("h1").InnerTextAsync());
        Assert.Empty(plainErrors);
        await plain.Context.CloseAsync();

        // The release page counts it, with its comment (no sign-in on this host: everyone reads the comments).
        var (release, releaseErrors) = await system.NewPageAsync();
        await release.GotoAsync(system.Url(DashboardRoutes.Release(id)));
        var section = release.Locator("section[aria-labelledby=h-satisfaction]");
        Assert.Contains("4 of 5 from 1 of 2 asked (no target: not judged)", await section.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("1", await section.Locator("tr:has(th:text-is('4 of 5')) td").First.InnerTextAsync());
        Assert.Contains("Smooth <b>cut-over</b>", await section.Locator("ul.comments").InnerTextAsync(), StringComparison.Ordinal);
        await DashboardSystem.AssertAccessibleAsync(release);
        Assert.Empty(releaseErrors);
        await release.Context.CloseAsync();
    }
}
