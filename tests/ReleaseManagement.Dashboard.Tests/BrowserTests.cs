using Microsoft.Playwright;
using ReleaseFunctions.TestSupport;
using ReleaseManagement.Api.Dashboard;

namespace ReleaseManagement.Dashboard.Tests;

/// <summary>
/// The dashboard as people use it, in headless Chromium against the local host: releases started through the API on the
/// board, an approval moving a card without a reload, the release page and its forms, axe-core on every page, and
/// screenshots at desktop and phone width. The overview pages are in <see cref="OverviewBrowserTests"/>: two classes, two
/// hosts and browsers side by side, because one class of all of them ran for four and a half minutes in a full run.
/// </summary>
public sealed partial class BrowserTests(DashboardSystem system) : IClassFixture<DashboardSystem>
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

    /// <summary>A release started through the API whose plan both approvers approved: it waits in Development.</summary>
    private async Task<string> ReleaseInDevelopmentAsync(string title)
    {
        var id = await system.CreateReleaseAsync(title, ct: Ct);
        await system.WaitForReleaseAsync(id, r => r.GetProperty("pendingApprovals").GetArrayLength() > 0, Ct);
        await system.DecideAsync(id, "plan", "po@example.com", "product-owner", Ct);
        await system.DecideAsync(id, "plan", "lead@example.com", "technical-lead", Ct);
        await system.WaitForReleaseAsync(id, r => r.GetProperty("phase").GetString() == "Development", Ct);
        return id;
    }

    /// <summary>
    /// Submits the form and waits for the page that answers it: the release page saying it was done after a 303, else the
    /// release page rendered again at the form's address. Returns the status of the post's answer.
    /// </summary>
    private static async Task<int> SubmitAsync(IPage page, string form)
    {
        var action = await page.GetAttributeAsync($"#form-{form} form", "action");
        IResponse? answer = null;
        await page.RunAndWaitForLoadAsync(
            async () => answer = await page.RunAndWaitForResponseAsync(() => page.ClickAsync($"#form-{form} button[type=submit]"), r => r.Request.Method == "POST"),
            url => url.EndsWith($"?done={form}", StringComparison.Ordinal) || new Uri(url).AbsolutePath == action);
        return answer!.Status;
    }

    private Task<HttpResponseMessage> PostFormAsync(string id, string action, Dictionary<string, string> fields) =>
        system.Host.Client.PostAsync($"{DashboardRoutes.Release(id)}/{action}", new FormUrlEncodedContent(fields), Ct);

    [Fact]
    public async Task ReleasePage_ReleaseManagerRecordsAMilestoneFromTheForm_TheReleaseTakesItIn()
    {
        var id = await ReleaseInDevelopmentAsync("Milestone from the page");

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
        using var forged = await PostFormAsync(id, "milestones", new() { ["milestone"] = "code-freeze", ["by"] = "rm@example.com", ["form"] = "forged" });
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("out of date or did not come from the release page", await forged.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        using var missing = await PostFormAsync(id, "milestones", new() { ["milestone"] = "code-freeze", ["by"] = "rm@example.com" });
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, missing.StatusCode);
        await page.ReloadAsync();
        Assert.Equal(0, await page.Locator("#timeline li:has-text(\"Milestone code-freeze reached.\")").CountAsync());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ReleasePage_EvidenceAttestationAndWaiverForms_RecordWhatTheApiAcceptsAndShowWhatItRefuses()
    {
        var id = await ReleaseInDevelopmentAsync("Gate items from the page");
        var (page, cspErrors) = await system.NewPageAsync();
        await page.GotoAsync(system.Url(DashboardRoutes.Release(id)));

        // Evidence without a result or a value: the API's validator refuses it; the page says why, keeps what was sent, records nothing.
        await page.ClickAsync("#form-evidence summary");
        await page.SelectOptionAsync("#evidence-item", "test-coverage");
        await page.FillAsync("#evidence-by", "rm@example.com");
        Assert.Equal(400, await SubmitAsync(page, "evidence"));
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
        Assert.Equal(303, await SubmitAsync(page, "evidence"));
        Assert.EndsWith("?done=evidence", page.Url, StringComparison.Ordinal);
        Assert.Contains("85.5", await page.Locator("#evidence tr:has-text(\"test-coverage\")").InnerTextAsync(), StringComparison.Ordinal);

        // An attestation by someone who holds none of the item's roles: the API's 403, shown on the page.
        await page.ClickAsync("#form-attestation summary");
        await page.SelectOptionAsync("#attestation-item", "code-review");
        await page.FillAsync("#attestation-by", "stranger@example.com");
        Assert.Equal(403, await SubmitAsync(page, "attestation"));
        Assert.Contains("holds none of the roles", await page.Locator("#form-attestation .form-problems").InnerTextAsync(), StringComparison.Ordinal);

        await page.FillAsync("#attestation-by", "lead@example.com");
        await page.FillAsync("#attestation-note", "Reviewed in PR 42.");
        Assert.Equal(303, await SubmitAsync(page, "attestation"));

        await page.ClickAsync("#form-waiver summary");
        await page.SelectOptionAsync("#waiver-item", "static-analysis");
        await page.FillAsync("#waiver-reason", "Analyzer outage; reviewed by hand.");
        await page.FillAsync("#waiver-by", "rm@example.com");
        Assert.Equal(303, await SubmitAsync(page, "waiver"));
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
        Assert.Equal(400, await SubmitAsync(page, "reschedule"));
        Assert.Contains("must be planned at least", await page.Locator("#reschedule-targetDate-error").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(tomorrow, await page.InputValueAsync("#reschedule-targetDate"));

        var later = ValidRelease.TargetDate(42);
        await page.FillAsync("#reschedule-targetDate", later);
        await page.FillAsync("#reschedule-reason", "Vendor delivery moved.");
        Assert.Equal(303, await SubmitAsync(page, "reschedule"));
        Assert.EndsWith("?done=reschedule", page.Url, StringComparison.Ordinal);
        await system.WaitForReleaseAsync(id, r => r.GetProperty("targetDate").GetString() == later, Ct);
        Assert.NotEqual(later, before.GetProperty("targetDate").GetString());

        // A cancel with a forged anti-forgery value, or without the confirmation, changes nothing.
        using var forged = await PostFormAsync(id, "cancel", new() { ["reason"] = "Forged", ["confirm"] = "yes", ["by"] = "rm@example.com", ["form"] = "forged" });
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, forged.StatusCode);
        await page.GotoAsync(system.Url(DashboardRoutes.Release(id)));
        var value = await page.InputValueAsync("#form-cancel input[name=form]");
        using var unconfirmed = await PostFormAsync(id, "cancel", new() { ["reason"] = "Not confirmed", ["by"] = "rm@example.com", ["form"] = value });
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, unconfirmed.StatusCode);
        Assert.Contains("Tick the box to confirm", await unconfirmed.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal("Active", (await system.WaitForReleaseAsync(id, _ => true, Ct)).GetProperty("status").GetString());

        await page.ClickAsync("#form-cancel summary");
        await page.FillAsync("#cancel-reason", "Superseded by the next release.");
        await page.FillAsync("#cancel-by", "rm@example.com");

        await page.CheckAsync("#cancel-confirm");
        Assert.Equal(303, await SubmitAsync(page, "cancel"));
        Assert.EndsWith("?done=cancel", page.Url, StringComparison.Ordinal);
        await system.WaitForReleaseAsync(id, r => r.GetProperty("status").GetString() == "Cancelled", Ct);
        await page.ReloadAsync();
        Assert.Equal(0, await page.Locator("form[method=post]").CountAsync());
        await page.Context.CloseAsync();
    }
}
