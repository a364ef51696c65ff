using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Activities;
using ReleaseManagement.Approvals.Tests.Infrastructure;
using ReleaseFunctions.TestSupport;

namespace ReleaseManagement.Approvals.Tests;

/// <summary>
/// The link pages over HTTP on the local host process: scanner safety, one decision per link, refusals. The links are
/// the ones the release's orchestration emailed for its plan stage; the tests request their own links only for another
/// stage or in <see cref="ApprovalSystem.TestRound"/>.
/// </summary>
[StartFirst]
public sealed class ApprovalLinkTests(SmtpApprovalSystem system)
{
    private const string Staging = "promotion:staging";
    private static readonly ApproverRef Lead = new("lead@example.com", "technical-lead");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A new release and the plan link its orchestration emailed to the technical lead.</summary>
    private async Task<(string ReleaseId, string Link)> LinkAsync()
    {
        var id = await system.CreateReleaseAsync();
        return (id, await system.PlanLinkAsync(id, Lead.Email));
    }

    private async Task AssertNothingDecidedAsync(string releaseId, string link)
    {
        Assert.Empty(await system.Decisions.ListAsync(releaseId, "plan", Ct));
        var release = await system.GetReleaseAsync(releaseId, Ct);
        Assert.Equal(("Planning", "Active"), (release.GetProperty("phase").GetString(), release.GetProperty("status").GetString()));
        if (link.Length > 0)
        {
            var stored = await system.Requests.GetAsync(ApprovalTokens.Hash(ApprovalSystem.TokenOf(link)), Ct);
            Assert.Equal(ApprovalRequestState.Open, stored?.State);
        }
    }

    [Fact]
    public async Task GetAndHead_OfALink_ShowThePageWithSecurityHeadersAndDecideNothing()
    {
        var (id, link) = await LinkAsync();
        var path = new Uri(link).PathAndQuery;

        var get = await system.Http.GetAsync(path, Ct);
        var html = await get.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("text/html", get.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-referrer", get.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("no-store", get.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        var csp = get.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(id, html, StringComparison.Ordinal);
        Assert.Contains("Nobody has decided yet.", html, StringComparison.Ordinal);
        Assert.Contains("<form method=\"post\">", html, StringComparison.Ordinal);

        using var headRequest = new HttpRequestMessage(HttpMethod.Head, path);
        var head = await system.Http.SendAsync(headRequest, Ct);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal("no-referrer", head.Headers.GetValues("Referrer-Policy").Single());
        Assert.Empty(await head.Content.ReadAsByteArrayAsync(Ct));

        await AssertNothingDecidedAsync(id, link);
    }

    [Fact]
    public async Task Post_WithTheFormValue_RecordsTheDecisionAndTheReleaseMovesOn()
    {
        var (id, link) = await LinkAsync();
        var emails = await system.PlanEmailsAsync(id);
        var form = await system.FormValueAsync(link);

        var response = await system.PostDecisionAsync(link, form, "approve", "Looks good <3");
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Thank you", html, StringComparison.Ordinal);
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());

        var decision = Assert.Single(await system.Decisions.ListAsync(id, "plan", Ct));
        Assert.Equal((true, "lead@example.com", "technical-lead", "Looks good <3", "email-link"), (decision.Approved, decision.Approver, decision.Role, decision.Comment, decision.Channel));
        Assert.False(string.IsNullOrEmpty(decision.ClientAddress));

        // A Minor plan needs the product owner too: their emailed link completes the plan stage and the release moves on.
        var owner = emails.Single(e => e.To == "po@example.com").Link;
        Assert.Equal(HttpStatusCode.OK, (await system.PostDecisionAsync(owner, await system.FormValueAsync(owner), "approve")).StatusCode);
        var release = await system.WaitForReleaseAsync(id, r => r.GetProperty("phase").GetString() == "Development", Ct);
        Assert.Equal("Active", release.GetProperty("status").GetString());
        var approval = release.GetProperty("timeline").EnumerateArray().Select(t => t.GetProperty("message").GetString() ?? string.Empty)
            .Single(m => m.StartsWith("plan: Approved by", StringComparison.Ordinal));
        Assert.Contains("lead@example.com", approval, StringComparison.Ordinal);
        Assert.Contains("po@example.com", approval, StringComparison.Ordinal);
        Assert.Equal(2, (await system.Decisions.ListAsync(id, "plan", Ct)).Count);

        // The orchestration closed the stage: the second lead's unused link no longer decides anything.
        var other = emails.Single(e => e.To == "lead2@example.com").Link;
        var closed = await system.Http.GetAsync(new Uri(other).PathAndQuery, Ct);
        Assert.Equal(HttpStatusCode.Gone, closed.StatusCode);
        Assert.Contains("stage is closed: The plan stage was approved.", await closed.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_SecondUse_SaysAlreadyDecidedByWhomAndWhen_AndRecordsNothing()
    {
        var (id, link) = await LinkAsync();
        var form = await system.FormValueAsync(link);
        Assert.Equal(HttpStatusCode.OK, (await system.PostDecisionAsync(link, form, "reject", "Not yet")).StatusCode);

        var replay = await system.PostDecisionAsync(link, form, "approve");
        var html = await replay.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.Conflict, replay.StatusCode);
        Assert.Contains("already used: rejected by lead@example.com at 20", html, StringComparison.Ordinal);

        var page = await system.Http.GetStringAsync(new Uri(link).PathAndQuery, Ct);
        Assert.Contains("Already decided", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<form", page, StringComparison.Ordinal);

        var decision = Assert.Single(await system.Decisions.ListAsync(id, "plan", Ct));
        Assert.False(decision.Approved);
        await system.WaitForReleaseAsync(id, r => r.GetProperty("status").GetString() == "Rejected", Ct);
    }

    [Fact]
    public async Task ExpiredLink_SaysSo_AndDecidesNothing()
    {
        var id = await system.CreateReleaseAsync();
        var (token, hash) = ApprovalTokens.Create();
        var now = DateTimeOffset.UtcNow;
        await system.Requests.AddAsync(new ApprovalRequest(hash, id, "plan", ApprovalSystem.TestRound, ApprovalKind.Request, Lead.Email, Lead.Role, now.AddDays(-3), now.AddMinutes(-1)), Ct);
        var path = $"/api/approvals/{token}";

        var get = await system.Http.GetAsync(path, Ct);
        Assert.Equal(HttpStatusCode.Gone, get.StatusCode);
        Assert.Contains("expired at", await get.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        // Even with the right form value (as if the page had been opened before the deadline):
        var form = system.Services.GetRequiredService<ApprovalDecisionService>().FormValue(hash);
        var post = await system.PostDecisionAsync(system.Host.BaseAddress + path.TrimStart('/'), form, "approve");
        Assert.Equal(HttpStatusCode.Gone, post.StatusCode);
        Assert.Contains("expired at", await post.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        await AssertNothingDecidedAsync(id, string.Empty);
    }

    [Fact]
    public async Task TamperedOrUnknownToken_ShowsNotFound_RevealsNothingAndWritesNothing()
    {
        var (id, link) = await LinkAsync();
        var form = await system.FormValueAsync(link);
        var token = ApprovalSystem.TokenOf(link);
        var altered = token[..^1] + (token[^1] == 'A' ? 'B' : 'A');
        var unknown = ApprovalTokens.Create().Token;

        foreach (var bad in new[] { altered, unknown, "not-a-token", token + "x" })
        {
            var url = system.Host.BaseAddress + "api/approvals/" + bad;
            var get = await system.Http.GetAsync(url, Ct);
            var body = await get.Content.ReadAsStringAsync(Ct);
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
            Assert.Contains("not valid", body, StringComparison.Ordinal);
            Assert.DoesNotContain(id, body, StringComparison.Ordinal);

            var post = await system.PostDecisionAsync(url, form, "approve");
            var postBody = await post.Content.ReadAsStringAsync(Ct);
            Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
            Assert.DoesNotContain(id, postBody, StringComparison.Ordinal);
        }

        await AssertNothingDecidedAsync(id, link);
    }

    [Fact]
    public async Task Post_WithoutOrWithAWrongFormValue_IsRefusedAndDecidesNothing()
    {
        var (id, link) = await LinkAsync();
        var other = await LinkAsync();
        var otherForm = await system.FormValueAsync(other.Link);

        foreach (var form in new[] { string.Empty, "forged", otherForm })
        {
            var post = await system.PostDecisionAsync(link, form, "approve");
            Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        }

        var json = await system.Http.PostAsJsonAsync(new Uri(link).PathAndQuery, new { decision = "approve" }, Ct);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);
        await AssertNothingDecidedAsync(id, link);
    }

    [Fact]
    public async Task Requester_CannotApproveTheirOwnRelease_ByLinkOrApi()
    {
        var id = await system.CreateReleaseAsync(requestedBy: "lead@example.com");

        // The orchestration does not ask the requester; a link made for them anyway (test round) cannot approve either.
        Assert.DoesNotContain(await system.PlanEmailsAsync(id, requestedBy: "lead@example.com"), e => e.To == "lead@example.com");
        await system.RequestApprovalsAsync(id, [Lead]);
        var link = (await system.WaitForTestEmailsAsync(id, 1)).Single().Link;
        var form = await system.FormValueAsync(link);

        var post = await system.PostDecisionAsync(link, form, "approve");
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.Contains("cannot approve", await post.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        var api = await system.Http.PostAsJsonAsync($"/api/releases/{id}/decisions", new { stage = "plan", decision = "approve", approver = "LEAD@example.com" }, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);

        await AssertNothingDecidedAsync(id, link);
    }

    [Fact]
    public async Task CloseApprovalStage_MakesOutstandingLinksStopWorking()
    {
        // Links of a stage the orchestration is not at (it waits for the plan), so only this test closes them.
        var id = await system.CreateReleaseAsync();
        var qa = new ApproverRef("qa@example.com", "qa-lead");
        await system.RequestApprovalsAsync(id, [qa, new ApproverRef("po@example.com", "product-owner")], stage: Staging);
        await system.RequestApprovalsAsync(id, [qa], ApprovalKind.Reminder, stage: Staging);
        var links = (await system.WaitForTestEmailsAsync(id, 3, Staging)).Select(e => e.Link).ToList();
        Assert.Equal(3, links.Count);
        var form = await system.FormValueAsync(links[0]);

        var close = system.Services.GetRequiredService<CloseApprovalStage>();
        Assert.Equal(new CloseApprovalStageResult(3), await close.RunAsync(new CloseApprovalStageInput(id, Staging, "The promotion:staging stage was decided."), Ct));
        Assert.Equal(new CloseApprovalStageResult(0), await close.RunAsync(new CloseApprovalStageInput(id, Staging, "again"), Ct));

        foreach (var link in links)
        {
            var get = await system.Http.GetAsync(new Uri(link).PathAndQuery, Ct);
            Assert.Equal(HttpStatusCode.Gone, get.StatusCode);
            Assert.Contains("stage is closed: The promotion:staging stage was decided.", await get.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.Gone, (await system.PostDecisionAsync(links[0], form, "approve")).StatusCode);

        // The plain API refuses the closed stage too, though the release still runs.
        var api = await system.Http.PostAsJsonAsync($"/api/releases/{id}/decisions", new { stage = Staging, decision = "approve", approver = qa.Email }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
        Assert.Contains("The promotion:staging stage was decided. Nothing was recorded.", await api.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Empty(await system.Decisions.ListAsync(id, Staging, Ct));

        // Closing one stage leaves the others alone: the plan links the orchestration emailed still work.
        foreach (var email in await system.PlanEmailsAsync(id))
        {
            Assert.Equal(HttpStatusCode.OK, (await system.Http.GetAsync(new Uri(email.Link).PathAndQuery, Ct)).StatusCode);
        }

        await AssertNothingDecidedAsync(id, await system.PlanLinkAsync(id, Lead.Email));
    }

    [Fact]
    public async Task PlainApi_DecisionGoesThroughTheSamePath_RecordedAndShownToOtherApprovers()
    {
        var (id, link) = await LinkAsync();
        var api = await system.Http.PostAsJsonAsync(
            $"/api/releases/{id}/decisions", new { stage = "plan", decision = "approve", approver = "po@example.com", role = "product-owner", comment = "Fine by me" }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, api.StatusCode);

        var decision = Assert.Single(await system.Decisions.ListAsync(id, "plan", Ct));
        Assert.Equal(("po@example.com", "product-owner", "api"), (decision.Approver, decision.Role, decision.Channel));

        // The lead's page shows the product owner's decision.
        var shown = await system.Http.GetStringAsync(new Uri(link).PathAndQuery, Ct);
        Assert.Contains("<strong>po@example.com</strong> (product-owner): approved at", shown, StringComparison.Ordinal);
        Assert.Contains("Fine by me", shown, StringComparison.Ordinal);

        // The other technical lead rejects through the API: one rejection rejects the plan, and the release ends.
        var reject = await system.Http.PostAsJsonAsync(
            $"/api/releases/{id}/decisions", new { stage = "plan", decision = "reject", approver = "lead2@example.com", role = "technical-lead", comment = "Not this month" }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, reject.StatusCode);
        var release = await system.WaitForReleaseAsync(id, r => r.GetProperty("runtimeStatus").GetString() == "Completed", Ct);
        Assert.Equal("Rejected", release.GetProperty("status").GetString());
        Assert.Contains("lead2@example.com", release.GetProperty("statusReason").GetString(), StringComparison.Ordinal);

        // The release no longer waits: the lead's link now says the stage is closed, and nothing more is recorded.
        var page = await system.Http.GetAsync(new Uri(link).PathAndQuery, Ct);
        Assert.Equal(HttpStatusCode.Gone, page.StatusCode);
        var again = await system.Http.PostAsJsonAsync($"/api/releases/{id}/decisions", new { stage = "plan", decision = "approve", approver = "x@example.com" }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(2, (await system.Decisions.ListAsync(id, "plan", Ct)).Count);
    }

    [Fact]
    public async Task HostLogs_NeverContainTokens()
    {
        var (_, link) = await LinkAsync();
        var form = await system.FormValueAsync(link);
        await system.PostDecisionAsync(link, form, "approve");
        await system.PostDecisionAsync(link, form, "approve");
        var token = ApprovalSystem.TokenOf(link);
        Assert.Contains("Decision ", system.Host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(token, system.Host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(form, system.Host.Output, StringComparison.Ordinal);
    }
}
