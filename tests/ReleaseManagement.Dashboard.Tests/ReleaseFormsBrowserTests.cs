using ReleaseManagement.Api.Dashboard;

namespace ReleaseManagement.Dashboard.Tests;

/// <summary>
/// The release page's milestone, evidence, attestation and waiver forms in Chromium: what the API accepts is recorded,
/// what it refuses is shown with the form kept, and a post without the page's anti-forgery value changes nothing.
/// </summary>
public sealed class ReleaseFormsBrowserTests(DashboardSystem system)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReleasePage_ReleaseManagerRecordsAMilestoneFromTheForm_TheReleaseTakesItIn()
    {
        var id = await system.ReleaseInDevelopmentAsync("Milestone from the page");

        var (page, cspErrors) = await system.NewPageAsync();
        await page.GotoAsync(system.Url(DashboardRoutes.Release(id)));
        await page.ClickAsync("#form-milestone summary");
        await page.SelectOptionAsync("#milestone-milestone", "feature-complete");
        await page.FillAsync("#milestone-by", "rm@example.com");
        await page.FillAsync("#milestone-note", "Branch cut.");
        await page.RunAndWaitForLoadAsync(() => page.ClickAsync("#form-milestone button[type=submit]"), url => url.EndsWith("?done=milestone", StringComparison.Ordinal));
        Assert.Contains("The milestone was recorded", await page.Locator("#action-notice").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("status", await page.Locator("#action-notice").GetAttributeAsync("role"));
        await page.WaitForSelectorAsync("#timeline li:has-text(\"Milestone feature-complete reached.\")", DashboardSystem.Live);
        await DashboardSystem.AssertAccessibleAsync(page);
        Assert.Empty(cspErrors);

        // A post without the page's anti-forgery value, or with a forged one, is refused before anything is stored or raised.
        using var forged = await system.PostFormAsync(id, "milestones", new() { ["milestone"] = "code-freeze", ["by"] = "rm@example.com", ["form"] = "forged" });
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("out of date or did not come from the release page", await forged.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        using var missing = await system.PostFormAsync(id, "milestones", new() { ["milestone"] = "code-freeze", ["by"] = "rm@example.com" });
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, missing.StatusCode);
        await page.ReloadAsync();
        Assert.Equal(0, await page.Locator("#timeline li:has-text(\"Milestone code-freeze reached.\")").CountAsync());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ReleasePage_DocumentAndKnownIssueForms_RecordALinkAndAnIssue_RefuseAScriptLink()
    {
        var id = await system.ReleaseInDevelopmentAsync("Documents from the page");
        var (page, cspErrors) = await system.NewPageAsync();
        await page.GotoAsync(system.Url(DashboardRoutes.Release(id)));

        // A javascript: link is the API's 400 on url: shown on the page, nothing recorded.
        await page.ClickAsync("#form-document summary");
        await page.SelectOptionAsync("#document-item", "deployment-guide");
        await page.FillAsync("#document-url", "javascript:alert(1)");
        await page.FillAsync("#document-by", "lead@example.com");
        Assert.Equal(400, await page.SubmitFormAsync("document"));
        Assert.Contains("absolute http or https URL", await page.Locator("#document-url-error").InnerTextAsync(), StringComparison.Ordinal);

        await page.FillAsync("#document-url", "https://wiki.example.com/deploy");
        await page.FillAsync("#document-title", "Deployment guide");
        Assert.Equal(303, await page.SubmitFormAsync("document"));
        Assert.EndsWith("?done=document", page.Url, StringComparison.Ordinal);

        await page.ClickAsync("#form-known-issue summary");
        await page.FillAsync("#known-issue-title", "CSV export is slow for large tenants");
        await page.FillAsync("#known-issue-by", "lead@example.com");
        Assert.Equal(303, await page.SubmitFormAsync("known-issue"));
        Assert.Contains("The known issue was recorded", await page.Locator("#action-notice").InnerTextAsync(), StringComparison.Ordinal);
        await DashboardSystem.AssertAccessibleAsync(page);
        Assert.Empty(cspErrors);
        await page.Context.CloseAsync();

        // The release notes list both (Markdown).
        var notes = await system.Host.Client.GetStringAsync($"/api/releases/{id}/notes?format=markdown", Ct);
        Assert.Contains("(`deployment-guide`): [Deployment guide](<https://wiki.example.com/deploy>)", notes, StringComparison.Ordinal);
        Assert.Contains("- CSV export is slow for large tenants (added by lead@example.com", notes, StringComparison.Ordinal);
        Assert.DoesNotContain("javascript", notes, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReleasePage_EvidenceAttestationAndWaiverForms_RecordWhatTheApiAcceptsAndShowWhatItRefuses()
    {
        var id = await system.ReleaseInDevelopmentAsync("Gate items from the page");
        var (page, cspErrors) = await system.NewPageAsync();
        await page.GotoAsync(system.Url(DashboardRoutes.Release(id)));

        // Evidence without a result or a value: the API's validator refuses it; the page says why, keeps what was sent, records nothing.
        await page.ClickAsync("#form-evidence summary");
        await page.SelectOptionAsync("#evidence-item", "test-coverage");
        await page.FillAsync("#evidence-by", "rm@example.com");
        Assert.Equal(400, await page.SubmitFormAsync("evidence"));
        Assert.Equal("alert", await page.Locator("#action-notice").GetAttributeAsync("role"));
        Assert.Contains("Evidence needs 'passed'", await page.Locator("#evidence-passed-error").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("test-coverage", await page.InputValueAsync("#evidence-item"));
        Assert.Equal("rm@example.com", await page.InputValueAsync("#evidence-by"));
        Assert.Equal(0, await page.Locator("#evidence").CountAsync());
        await DashboardSystem.AssertAccessibleAsync(page);
        await DashboardSystem.ScreenshotsAsync(page, "release-refused");

        // The same form with a result and the measured value is recorded.
        await page.SelectOptionAsync("#evidence-passed", "true");
        await page.FillAsync("#evidence-value", "85.5");
        Assert.Equal(303, await page.SubmitFormAsync("evidence"));
        Assert.EndsWith("?done=evidence", page.Url, StringComparison.Ordinal);
        Assert.Contains("85.5", await page.Locator("#evidence tr:has-text(\"test-coverage\")").InnerTextAsync(), StringComparison.Ordinal);

        // An attestation by someone who holds none of the item's roles: the API's 403, shown on the page.
        await page.ClickAsync("#form-attestation summary");
        await page.SelectOptionAsync("#attestation-item", "code-review");
        await page.FillAsync("#attestation-by", "stranger@example.com");
        Assert.Equal(403, await page.SubmitFormAsync("attestation"));
        Assert.Contains("holds none of the roles", await page.Locator("#form-attestation .form-problems").InnerTextAsync(), StringComparison.Ordinal);

        await page.FillAsync("#attestation-by", "lead@example.com");
        await page.FillAsync("#attestation-note", "Reviewed in PR 42.");
        Assert.Equal(303, await page.SubmitFormAsync("attestation"));

        await page.ClickAsync("#form-waiver summary");
        await page.SelectOptionAsync("#waiver-item", "static-analysis");
        await page.FillAsync("#waiver-reason", "Analyzer outage; reviewed by hand.");
        await page.FillAsync("#waiver-by", "rm@example.com");
        Assert.Equal(303, await page.SubmitFormAsync("waiver"));
        Assert.EndsWith("?done=waiver", page.Url, StringComparison.Ordinal);

        var rows = await page.Locator("#evidence tbody tr").AllInnerTextsAsync();
        Assert.Equal(3, rows.Count);
        Assert.Contains(rows, r => r.Contains("code-review", StringComparison.Ordinal) && r.Contains("Attestation", StringComparison.Ordinal) && r.Contains("lead@example.com", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Contains("static-analysis", StringComparison.Ordinal) && r.Contains("Waiver", StringComparison.Ordinal) && r.Contains("Analyzer outage", StringComparison.Ordinal));
        Assert.DoesNotContain(rows, r => r.Contains("stranger@example.com", StringComparison.Ordinal));

        // Every form open: still no serious accessibility problem.
        await page.EvaluateAsync("() => document.querySelectorAll('details.act-form').forEach(d => d.open = true)");
        await DashboardSystem.AssertAccessibleAsync(page);
        await DashboardSystem.ScreenshotsAsync(page, "release-forms");
        Assert.Empty(cspErrors);
        await page.Context.CloseAsync();
    }
}
