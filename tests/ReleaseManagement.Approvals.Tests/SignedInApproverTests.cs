using System.Net;
using ReleaseManagement.Api.Approvals;
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
