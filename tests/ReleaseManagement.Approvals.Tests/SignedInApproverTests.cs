using System.Net;
using Microsoft.Extensions.DependencyInjection;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Approvals;
using ReleaseManagement.Audit;
using ReleaseManagement.Ports;
using ReleaseManagement.Approvals.Tests.Infrastructure;

namespace ReleaseManagement.Approvals.Tests;

/// <summary>The host configured as in Azure: a decision needs the App Service principal of the approver. Mail as .eml files.</summary>
public sealed class SignedInApproverTests(SignedInApprovalSystem system)
{
    private static readonly ApproverRef Lead = new("lead@example.com", "technical-lead");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Post_WithoutOrWithAnotherPrincipal_Is403AndRecordsNothing_ThenTheApproverDecides()
    {
        var id = await system.CreateReleaseAsync();
        var emails = await system.PlanEmailsAsync(id);
        var email = emails.Single(e => e.To == Lead.Email);
        var form = await system.FormValueAsync(email.Link);

        var anonymous = await system.PostDecisionAsync(email.Link, form, "approve");
        Assert.Equal(HttpStatusCode.Forbidden, anonymous.StatusCode);
        Assert.Contains("Sign in", await anonymous.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        var wrong = await system.PostDecisionAsync(email.Link, form, "approve", principal: AppServicePrincipal.Encode("mallory@example.com"));
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);

        var garbage = await system.PostDecisionAsync(email.Link, form, "approve", principal: "bm90IGpzb24=");
        Assert.Equal(HttpStatusCode.Forbidden, garbage.StatusCode);

        Assert.Empty(await system.Decisions.ListAsync(id, "plan", Ct));
        Assert.Equal("Active", (await system.GetReleaseAsync(id, Ct)).GetProperty("status").GetString());

        var right = await system.PostDecisionAsync(email.Link, form, "approve", principal: AppServicePrincipal.Encode("LEAD@example.com"));
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        var decision = Assert.Single(await system.Decisions.ListAsync(id, "plan", Ct));
        Assert.Equal("LEAD@example.com", decision.SignedInAs);

        // The product owner, signed in, approves from their emailed link: the plan is approved and the release moves on.
        var owner = emails.Single(e => e.To == "po@example.com").Link;
        var ownerForm = await system.FormValueAsync(owner);
        Assert.Equal(HttpStatusCode.Forbidden, (await system.PostDecisionAsync(owner, ownerForm, "approve", principal: AppServicePrincipal.Encode("lead@example.com"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await system.PostDecisionAsync(owner, ownerForm, "approve", principal: AppServicePrincipal.Encode("po@example.com"))).StatusCode);
        var release = await system.WaitForReleaseAsync(id, r => r.GetProperty("phase").GetString() == "Development", Ct);
        Assert.Equal("Active", release.GetProperty("status").GetString());
    }

    /// <summary>
    /// Issue 24, section 7, for the approval links (whose token, not Easy Auth, admits the caller; the sign-in check decides
    /// who may use it): one link × {no principal, an unreadable principal, a person without a role, the wrong role (another
    /// approver of the stage), the requester} is refused with 403 and changes nothing (no decision, the link still open,
    /// the audit trail as it was, the release still in planning); the requester's own link is refused too; then the
    /// addressee, signed in, decides (200). A pipeline has no way in: it holds no link and no principal (the first row).
    /// </summary>
    [Fact]
    public async Task ApprovalLink_EveryKindOfCaller_OnlyTheAddresseeSignedInDecides_RefusalsChangeNothing()
    {
        const string requester = "lead2@example.com";
        var id = await system.CreateReleaseAsync(requestedBy: requester);
        var owner = (await system.PlanEmailsAsync(id, requestedBy: requester)).Single(e => e.To == "po@example.com").Link;
        await system.RequestApprovalsAsync(id, [new ApproverRef(requester, "technical-lead")]);
        var requestersOwn = (await system.WaitForTestEmailsAsync(id, 1)).Single().Link;
        var audit = system.Services.GetRequiredService<IAuditTrail>();
        var before = (await audit.ReadAsync(id, Ct)).Count;

        var callers = new (string What, string Link, string? Principal)[]
        {
            ("no principal", owner, null),
            ("an unreadable principal", owner, "bm90IGpzb24="),
            ("a person without a role", owner, AppServicePrincipal.Encode("nobody@example.com")),
            ("the wrong role (another approver of the stage)", owner, AppServicePrincipal.Encode("lead@example.com")),
            ("the requester, on another's link", owner, AppServicePrincipal.Encode(requester)),
            ("the requester, on their own link", requestersOwn, AppServicePrincipal.Encode(requester)),
        };
        foreach (var (what, link, principal) in callers)
        {
            var form = await system.FormValueAsync(link);
            var refused = await system.PostDecisionAsync(link, form, "approve", principal: principal);
            Assert.True(refused.StatusCode == HttpStatusCode.Forbidden, $"{what}: {(int)refused.StatusCode}");
            Assert.Equal("text/html", refused.Content.Headers.ContentType?.MediaType);
        }

        Assert.Empty(await system.Decisions.ListAsync(id, "plan", Ct));
        Assert.Equal(before, (await audit.ReadAsync(id, Ct)).Count);
        foreach (var link in new[] { owner, requestersOwn })
        {
            Assert.Equal(ApprovalRequestState.Open, (await system.Requests.GetAsync(ApprovalTokens.Hash(ApprovalSystem.TokenOf(link)), Ct))?.State);
        }

        Assert.Equal("Planning", (await system.GetReleaseAsync(id, Ct)).GetProperty("phase").GetString());

        var right = await system.PostDecisionAsync(owner, await system.FormValueAsync(owner), "approve", principal: AppServicePrincipal.Encode("po@example.com"));
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal("po@example.com", Assert.Single(await system.Decisions.ListAsync(id, "plan", Ct)).SignedInAs);
        Assert.Contains(await audit.ReadAsync(id, Ct), r => r.Entry.Action == AuditActions.Decision && r.Entry.By == "po@example.com");
    }

    [Fact]
    public async Task PlainApi_RequiresTheSignedInApproverToo()
    {
        var id = await system.CreateReleaseAsync();
        var body = new { stage = "plan", decision = "approve", approver = "lead@example.com" };
        var anonymous = await system.Http.PostAsync($"/api/releases/{id}/decisions", System.Net.Http.Json.JsonContent.Create(body), Ct);
        Assert.Equal(HttpStatusCode.Forbidden, anonymous.StatusCode);

        using var impersonation = new HttpRequestMessage(HttpMethod.Post, $"/api/releases/{id}/decisions") { Content = System.Net.Http.Json.JsonContent.Create(body) };
        impersonation.Headers.Add(AppServicePrincipal.Header, AppServicePrincipal.Encode("mallory@example.com"));
        Assert.Equal(HttpStatusCode.Forbidden, (await system.Http.SendAsync(impersonation, Ct)).StatusCode);
        Assert.Empty(await system.Decisions.ListAsync(id, "plan", Ct));

        using var signedIn = new HttpRequestMessage(HttpMethod.Post, $"/api/releases/{id}/decisions") { Content = System.Net.Http.Json.JsonContent.Create(body) };
        signedIn.Headers.Add(AppServicePrincipal.Header, AppServicePrincipal.Encode("lead@example.com"));
        Assert.Equal(HttpStatusCode.Accepted, (await system.Http.SendAsync(signedIn, Ct)).StatusCode);
        Assert.Equal("lead@example.com", Assert.Single(await system.Decisions.ListAsync(id, "plan", Ct)).SignedInAs);

        // The product owner decides the same way; with both plan roles approved the release moves on.
        using var owner = new HttpRequestMessage(HttpMethod.Post, $"/api/releases/{id}/decisions")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { stage = "plan", decision = "approve", approver = "po@example.com" }),
        };
        owner.Headers.Add(AppServicePrincipal.Header, AppServicePrincipal.Encode("po@example.com"));
        Assert.Equal(HttpStatusCode.Accepted, (await system.Http.SendAsync(owner, Ct)).StatusCode);
        var release = await system.WaitForReleaseAsync(id, r => r.GetProperty("phase").GetString() == "Development", Ct);
        Assert.Equal("Active", release.GetProperty("status").GetString());
    }

    [Fact]
    public async Task FileTransport_WritesEmlFiles_AndTheLocalMailboxListsTheirLinks()
    {
        var id = await system.CreateReleaseAsync();
        var email = (await system.PlanEmailsAsync(id)).Single(e => e.To == Lead.Email);

        var mailbox = await system.Http.GetAsync("/dev/mailbox", Ct);
        var html = await mailbox.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, mailbox.StatusCode);
        Assert.Contains(WebUtility.HtmlEncode(email.Subject), html, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"{email.Link}\">", html, StringComparison.Ordinal);
        Assert.Equal("no-store, max-age=0", mailbox.Headers.CacheControl?.ToString());
    }
}
