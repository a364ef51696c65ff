using System.Net;
using System.Net.Http.Json;
using Deque.AxeCore.Playwright;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Api.Communications;
using ReleaseManagement.Approvals.Tests.Infrastructure;
using ReleaseManagement.Ports;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;
using ReleaseFunctions.TestSupport;

namespace ReleaseManagement.Approvals.Tests;

/// <summary>What approvers see (risk with mitigation, the stage's gate verdicts, scope and notes, decisions so far) in the email alone.</summary>
public sealed class ApprovalEmailContextTests
{
    private static readonly ReleaseRequest Release = new(
        "rel-ctx", "Billing 2.5", ReleaseType.Minor, ["Billing"], new DateOnly(2030, 1, 8), "dev@example.com", null, ChangeCategory.Normal,
        Scope: [new ScopeItem("Invoice <export>", ScopeKind.Feature, "https://tracker.example.com/BILL-1"), new ScopeItem("TLS only", ScopeKind.Security)],
        Notes: "Two developers; one week buffer.", ReclassifiedFrom: ChangeCategory.Standard);

    private static EmailMessage Compose(string? blockedBy)
    {
        var composer = new ApprovalEmailComposer(Options.Create(new ApprovalOptions { PublicBaseUrl = "https://releases.example.com/" }), new NoticeTemplateStore(Options.Create(new CommunicationsOptions())));
        var (token, _) = ApprovalTokens.Create();
        return composer.Compose(new ApprovalEmailModel(
            Release, "promotion:integration", ApprovalKind.Reminder, new ApproverRef("lead@example.com", "technical-lead"),
            "High (impact High, probability Medium): Extensive testing, phased rollout; testing depth Extensive.", "Failed: 1 passed, 1 failed, 1 waived",
            new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero), token)
        {
            Gates =
            [
                new GateItemStatus("code-review", "Passed", "Attested by lead2@example.com."),
                new GateItemStatus("unit-tests", "Failed", "'unit-tests' failed (github)."),
                new GateItemStatus("backup", "Waived", "Waived by rm@example.com: restore tested yesterday"),
            ],
            ApproveBlockedBy = blockedBy,
            DecidedSoFar = ["qa@example.com (qa-lead): approved"],
        });
    }

    [Fact]
    public void Compose_WithGatesScopeAndDecisions_ShowsThemInBothParts()
    {
        var message = Compose(blockedBy: null);

        foreach (var body in new[] { message.TextBody, message.HtmlBody })
        {
            Assert.Contains("testing depth Extensive", body, StringComparison.Ordinal);
            Assert.Contains("Normal (reclassified from Standard", body, StringComparison.Ordinal);
            Assert.Contains("unit-tests</strong>: Failed", body.Replace("  - unit-tests: Failed", "unit-tests</strong>: Failed", StringComparison.Ordinal), StringComparison.Ordinal);
            Assert.Contains("Waived by rm@example.com: restore tested yesterday", body, StringComparison.Ordinal);
            Assert.Contains("qa@example.com (qa-lead): approved", body, StringComparison.Ordinal);
            Assert.Contains("Two developers; one week buffer.", body, StringComparison.Ordinal);
            Assert.Contains("https://tracker.example.com/BILL-1", body, StringComparison.Ordinal);
            Assert.DoesNotContain("(none yet)", body, StringComparison.Ordinal);
        }

        Assert.Contains("  - [feature] Invoice <export> (https://tracker.example.com/BILL-1)", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("<span class=\"kind\">feature</span> Invoice &lt;export&gt;", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("<li class=\"gate-waived\"><strong>backup</strong>: Waived", message.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_ApprovalBlockedByAFailingGate_SaysWhyAndThatARejectionIsAccepted()
    {
        var message = Compose(blockedBy: "the gate is failing (unit-tests).");

        Assert.Contains("An approval is not accepted now: the gate is failing (unit-tests). You may still reject.", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("An approval is not accepted now: the gate is failing (unit-tests). You may still reject.", message.HtmlBody, StringComparison.Ordinal);
    }
}

/// <summary>The plan emails and the page over HTTP on the local host: the Planning gate, the risk and the scope; a failing gate removes the Approve button.</summary>
[StartFirst]
public sealed class ApprovalContextTests(SmtpApprovalSystem system) : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

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

    /// <summary>A Minor release with scope and notes, waiting for its plan approval.</summary>
    /// <param name="minDays">How far out its target date is at least: a test that sets warnings itself picks a date no other
    /// release of this class targets, so the request handler's own conflict warnings (one system, one date) cannot replace them.</param>
    private async Task<string> CreatePlannedReleaseAsync(int minDays = 35)
    {
        var id = TestEnvironment.UniqueId("ctx");
        var response = await system.Http.PostAsJsonAsync("/api/releases", new
        {
            id,
            title = "Billing 2.6",
            type = "Minor",
            systems = new[] { "billing" },
            targetDate = ReleaseFunctions.TestSupport.ValidRelease.TargetDate(minDays),
            requestedBy = ApprovalSystem.Requester,
            approvers = ReleaseFunctions.TestSupport.ValidRelease.Approvers,
            scope = new object[]
            {
                new { title = "Invoice export", kind = "feature", link = "https://tracker.example.com/BILL-7" },
                new { title = "Rounding fix", kind = "fix" },
            },
            notes = "Two developers; one week buffer before the window.",
        }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await system.WaitForReleaseAsync(id, r => r.GetProperty("pendingApprovals").EnumerateArray().Any(p => p.GetProperty("stage").GetString() == ApprovalStages.Plan), Ct);
        return id;
    }

    [Fact]
    public async Task PlanEmailAndPage_ShowRiskPlanningGateScopeAndNotes()
    {
        var id = await CreatePlannedReleaseAsync();
        var email = (await system.PlanEmailsAsync(id)).Single(e => e.To == "lead@example.com");

        Assert.Contains("Medium (impact Medium, probability Medium): Standard testing, monitoring; testing depth Standard.", email.Text, StringComparison.Ordinal);
        Assert.Contains("  - planning-scope: Pending — Awaiting attestation of 'planning-scope' by release-manager.", email.Text, StringComparison.Ordinal);
        Assert.Contains("  - [feature] Invoice export (https://tracker.example.com/BILL-7)", email.Text, StringComparison.Ordinal);
        Assert.Contains("Planning notes: Two developers; one week buffer before the window.", email.Text, StringComparison.Ordinal);
        Assert.Contains("<strong>planning-rollback-plan</strong>: Pending", email.Html, StringComparison.Ordinal);

        var html = await system.Http.GetStringAsync(new Uri(email.Link).PathAndQuery, Ct);
        Assert.Contains("<dd class=\"risk\">Medium (impact Medium, probability Medium): Standard testing, monitoring</dd>", html, StringComparison.Ordinal);
        Assert.Contains("<li class=\"gate-pending\"><strong>planning-requirements</strong>: Pending", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"kind\">fix</span> Rounding fix", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://tracker.example.com/BILL-7\"", html, StringComparison.Ordinal);
        Assert.Contains("button type=\"submit\" name=\"decision\" value=\"approve\"", html, StringComparison.Ordinal); // the Planning gate informs, it does not block
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task FailingGate_PageHasNoApproveButtonAndSaysWhy_PostedApprovalIs409AndRecordsNothing()
    {
        var id = await CreatePlannedReleaseAsync();
        var link = await system.PlanLinkAsync(id);
        const string blocked = "the gate is failing (planning-scope) and this stage's rule does not allow an approval while a gate fails; fix, re-run or waive the failing item first.";
        var store = system.Services.GetRequiredService<IReleaseStore>();
        var pending = (await store.GetAsync(id, Ct))!.PendingApprovals!.Single();
        await store.ApplyAsync(ReleaseFunctions.TestSupport.StatusWrites.Change(id, ReleasePhase.Planning, ReleaseStatus.Active, "Awaiting plan approval.", DateTimeOffset.UtcNow,
            pendingApprovals: [pending with { Gates = [new GateItemStatus("planning-scope", "Failed", "rm@example.com declined to attest 'planning-scope': scope unclear")], ApproveBlockedBy = blocked }]), Ct);

        var context = await _browser.NewContextAsync();
        var page = await context.NewPageAsync();
        Assert.Equal(200, (await page.GotoAsync(link))!.Status);
        Assert.Equal(0, await page.Locator("button[value=approve]").CountAsync());
        Assert.Equal(1, await page.Locator("button[value=reject]").CountAsync());
        Assert.Contains("Why there is no Approve button: " + blocked, await page.Locator("#approve-blocked").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("planning-scope: Failed — rm@example.com declined to attest", await page.Locator("ul.gates").InnerTextAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(TestEnvironment.ArtifactsDirectory, "approval-blocked.png"), FullPage = true });
        await context.CloseAsync();

        var form = await system.FormValueAsync(link);
        var response = await system.PostDecisionAsync(link, form, "approve");
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("Approval not accepted", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Empty(await system.Decisions.ListAsync(id, ApprovalStages.Plan, Ct));
        Assert.Equal(ApprovalRequestState.Open, (await system.Requests.GetAsync(ApprovalTokens.Hash(ApprovalSystem.TokenOf(link)), Ct))!.State);
    }

    [Fact]
    public async Task ReleaseWarnings_ListedInTheApprovalEmailAndOnThePage_WhichPassesAxe()
    {
        var id = await CreatePlannedReleaseAsync(minDays: 52);
        var store = system.Services.GetRequiredService<IReleaseStore>();
        var now = DateTimeOffset.UtcNow;
        await store.ApplyAsync(new WarningChange(id, now,
            [
                new ReleaseWarning("over-cadence", "This is the third Minor release this month; the policy allows two.", now.AddMinutes(-2)),
                new ReleaseWarning("window-conflict", "Another release <Ledger 4> uses the same production window.", now.AddMinutes(-1)),
            ], []), Ct);

        await system.RequestApprovalsAsync(id, [new ApproverRef("lead@example.com", "technical-lead")]);
        var email = (await system.WaitForTestEmailsAsync(id, 1)).Single();

        Assert.Contains("Warnings on this release:\n  - [over-cadence] This is the third Minor release this month; the policy allows two.\n  - [window-conflict] Another release <Ledger 4> uses the same production window.\n", email.Text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("window-conflict</span> Another release &lt;Ledger 4&gt; uses the same production window.</li>", email.Html, StringComparison.Ordinal);

        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 900, Height = 1000 } });
        var page = await context.NewPageAsync();
        Assert.Equal(200, (await page.GotoAsync(email.Link))!.Status);
        var warnings = page.Locator("ul.warnings li");
        Assert.Equal(2, await warnings.CountAsync());
        Assert.Equal("over-cadence This is the third Minor release this month; the policy allows two.", (await warnings.Nth(0).InnerTextAsync()).Trim());
        Assert.Equal("window-conflict Another release <Ledger 4> uses the same production window.", (await warnings.Nth(1).InnerTextAsync()).Trim());
        Assert.Equal(1, await page.Locator("li.warning-window-conflict .kind").CountAsync());
        Assert.Equal(1, await page.Locator("button[value=approve]").CountAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(TestEnvironment.ArtifactsDirectory, "approval-page-warnings.png"), FullPage = true });
        var axe = await page.RunAxe();
        var serious = axe.Violations.Where(v => v.Impact is "serious" or "critical").ToArray();
        Assert.True(serious.Length == 0, string.Join("\n", serious.Select(v => $"{v.Impact} {v.Id}: {v.Help}")));
        await context.CloseAsync();
    }
}
