using Azure.Data.Tables;
using ReleaseManagement.Activities;
using ReleaseManagement.Approvals.Tests.Infrastructure;

namespace ReleaseManagement.Approvals.Tests;

/// <summary>
/// The RequestApprovals activity against Azurite and a real SMTP server (smtp4dev): the orchestration's own plan emails
/// (round 1), and the activity called from the test in <see cref="ApprovalSystem.TestRound"/>, whose emails are told
/// apart from the orchestration's by their links.
/// </summary>
public sealed class RequestApprovalsTests(SmtpApprovalSystem system)
{
    private static readonly ApproverRef Lead = new("lead@example.com", "technical-lead");
    private static readonly ApproverRef Owner = new("owner@example.com", "product-owner");

    [Fact]
    public async Task Orchestration_StartedRelease_EmailsEveryPlanApproverButTheRequesterOnceWithAWorkingLink()
    {
        var id = await system.CreateReleaseAsync("Billing 2.4", requestedBy: "lead2@example.com");

        var emails = await system.PlanEmailsAsync(id, requestedBy: "lead2@example.com");
        Assert.Equal(["lead@example.com", "po@example.com"], emails.Select(e => e.To).Order());
        Assert.All(emails, e => Assert.StartsWith($"[Approval needed] Billing 2.4 ({id}): Release plan approval by 20", e.Subject, StringComparison.Ordinal));
        Assert.Contains("product-owner", emails.Single(e => e.To == "po@example.com").Text, StringComparison.Ordinal);
        foreach (var e in emails)
        {
            var stored = await system.Requests.GetAsync(ApprovalTokens.Hash(ApprovalSystem.TokenOf(e.Link)), TestContext.Current.CancellationToken);
            Assert.Equal((id, "plan", 1, ApprovalKind.Request, ApprovalRequestState.Open), (stored!.ReleaseId, stored.Stage, stored.Round, stored.Kind, stored.State));
            var page = await system.Http.GetAsync(new Uri(e.Link).PathAndQuery, TestContext.Current.CancellationToken);
            Assert.Equal(System.Net.HttpStatusCode.OK, page.StatusCode);
        }
    }

    [Fact]
    public async Task RequestApprovals_TwoApprovers_EachGetsOneEmailWithSubjectDetailsAndAWorkingLink()
    {
        var id = await system.CreateReleaseAsync("Billing 2.4");
        var result = await system.RequestApprovalsAsync(id, [Lead, Owner]);
        Assert.Equal(new RequestApprovalsResult(2, 0), result);

        var emails = await system.WaitForTestEmailsAsync(id, 2);
        Assert.Equal(["lead@example.com", "owner@example.com"], emails.Select(e => e.To).Order());
        Assert.All(emails, e =>
        {
            Assert.StartsWith($"[Approval needed] Billing 2.4 ({id}): Release plan approval by 20", e.Subject, StringComparison.Ordinal);
            Assert.EndsWith(" UTC", e.Subject, StringComparison.Ordinal);
            Assert.Contains("Type:          Minor", e.Text, StringComparison.Ordinal);
            Assert.Contains("Risk:          Medium", e.Text, StringComparison.Ordinal);
            Assert.Contains("Plan complete; no gates passed yet.", e.Text, StringComparison.Ordinal);
            Assert.Contains(e.Link, e.Html, StringComparison.Ordinal);
            Assert.StartsWith(system.Host.BaseAddress + "api/approvals/", e.Link, StringComparison.Ordinal);
        });
        Assert.Contains("technical-lead", emails.Single(e => e.To == Lead.Email).Text, StringComparison.Ordinal);

        foreach (var e in emails)
        {
            var page = await system.Http.GetAsync(new Uri(e.Link).PathAndQuery, TestContext.Current.CancellationToken);
            var html = await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.Equal(System.Net.HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("Billing 2.4", html, StringComparison.Ordinal);
            Assert.Contains(">Approve</button>", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RequestApprovals_Retried_DoesNotEmailAgain()
    {
        var id = await system.CreateReleaseAsync();
        Assert.Equal(new RequestApprovalsResult(2, 0), await system.RequestApprovalsAsync(id, [Lead, Owner]));
        Assert.Equal(new RequestApprovalsResult(0, 2), await system.RequestApprovalsAsync(id, [Lead, Owner]));
        Assert.Equal(2, (await system.WaitForTestEmailsAsync(id, 2)).Count);
        await system.PlanEmailsAsync(id);

        // All the release's approval mail (its meeting invites are no approval): the orchestration's plan emails (one per plan approver) and the test's two; no more.
        Assert.Equal(
            ApprovalSystem.PlanApprovers.Count + 2,
            (await system.Smtp.ListAsync(TestContext.Current.CancellationToken)).Count(m => Approval(m.Subject, id)));
    }

    /// <summary>
    /// Four workers running the same activity call at once, as two hosts of a task hub do when a work item comes back
    /// while its first worker still sends (docs/architecture.md, "Each send once"): each approver is emailed once, and
    /// every worker accounts for each approver (emailed by it, or already).
    /// </summary>
    [Fact]
    public async Task RequestApprovals_FourWorkersAtOnce_EachApproverIsEmailedOnce()
    {
        var id = await system.CreateReleaseAsync();
        await system.PlanEmailsAsync(id);

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => system.RequestApprovalsAsync(id, [Lead, Owner]))));

        Assert.Equal(2, results.Sum(r => r.Emailed));
        Assert.All(results, r => Assert.Equal(2, r.Emailed + r.AlreadyEmailed));
        Assert.Equal(2, (await system.WaitForTestEmailsAsync(id, 2)).Count);
        Assert.Equal(
            ApprovalSystem.PlanApprovers.Count + 2,
            (await system.Smtp.ListAsync(TestContext.Current.CancellationToken)).Count(m => Approval(m.Subject, id)));
    }

    [Fact]
    public async Task RequestApprovals_StoresOnlyTheTokenHash_NeverTheToken()
    {
        var id = await system.CreateReleaseAsync();
        await system.RequestApprovalsAsync(id, [Lead]);
        var token = ApprovalSystem.TokenOf((await system.WaitForTestEmailsAsync(id, 1)).Single().Link);
        var orchestrationToken = ApprovalSystem.TokenOf(await system.PlanLinkAsync(id, Lead.Email));

        var stored = await system.Requests.GetAsync(ApprovalTokens.Hash(token), TestContext.Current.CancellationToken);
        Assert.NotNull(stored);
        Assert.Equal((id, "plan", ApprovalSystem.TestRound, "lead@example.com", "technical-lead", ApprovalRequestState.Open), (stored.ReleaseId, stored.Stage, stored.Round, stored.Approver, stored.Role, stored.State));
        Assert.NotNull(await system.Requests.GetAsync(ApprovalTokens.Hash(orchestrationToken), TestContext.Current.CancellationToken));

        var table = new TableClient(TestEnvironment.AzuriteConnectionString, "ApprovalRequests");
        await foreach (var entity in table.QueryAsync<TableEntity>(cancellationToken: TestContext.Current.CancellationToken))
        {
            var text = entity.PartitionKey + entity.RowKey + string.Join("|", entity.Select(kv => kv.Value));
            Assert.DoesNotContain(token, text, StringComparison.Ordinal);
            Assert.DoesNotContain(orchestrationToken, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RequestApprovals_ReminderAndEscalation_SendFreshLinks()
    {
        var id = await system.CreateReleaseAsync();
        await system.RequestApprovalsAsync(id, [Lead]);
        await system.RequestApprovalsAsync(id, [Lead], ApprovalKind.Reminder);
        await system.RequestApprovalsAsync(id, [new ApproverRef("director@example.com", "escalation-contact")], ApprovalKind.Escalation);

        var emails = await system.WaitForTestEmailsAsync(id, 3);
        Assert.Equal(3, emails.Count);
        Assert.Equal(3, emails.Select(e => e.Link).Distinct().Count());
        Assert.Contains(emails, e => e.Subject.StartsWith("[Reminder] ", StringComparison.Ordinal) && e.To == Lead.Email);
        Assert.Contains(emails, e => e.Subject.StartsWith("[Escalation] ", StringComparison.Ordinal) && e.To == "director@example.com");

        // Every link works, the orchestration's earlier plan link to the lead included.
        foreach (var link in emails.Select(e => e.Link).Append(await system.PlanLinkAsync(id, Lead.Email)))
        {
            var stored = await system.Requests.GetAsync(ApprovalTokens.Hash(ApprovalSystem.TokenOf(link)), TestContext.Current.CancellationToken);
            Assert.Equal(ApprovalRequestState.Open, stored!.State);
        }
    }

    [Fact]
    public async Task RequestApprovals_InvalidInput_IsRefusedAndSendsNothing()
    {
        var id = await system.CreateReleaseAsync();
        await Assert.ThrowsAsync<ArgumentException>(() => system.RequestApprovalsAsync(id, []));
        await Assert.ThrowsAsync<ArgumentException>(() => system.RequestApprovalsAsync(id, [new ApproverRef("not-an-address", "lead")]));
        await Assert.ThrowsAsync<InvalidOperationException>(() => system.RequestApprovalsAsync("no-such-release-" + Guid.NewGuid().ToString("N")[..8], [Lead]));
        await system.PlanEmailsAsync(id);

        // The release's approval mail is exactly what its orchestration sent (its plan emails): the refused calls sent nothing.
        var mail = (await system.Smtp.ListAsync(TestContext.Current.CancellationToken)).Where(m => Approval(m.Subject, id)).ToList();
        Assert.Equal(ApprovalSystem.PlanApprovers.Count, mail.Count);
        Assert.Equal(ApprovalSystem.PlanApprovers.Select(a => a.Email).Order(), mail.SelectMany(m => m.To).Order());
    }

    /// <summary>Whether a subject is one of the release's approval emails (<c>approval-email.subject.liquid</c>), not its meeting invites.</summary>
    private static bool Approval(string subject, string id) =>
        subject.Contains($"({id}): ", StringComparison.Ordinal) && subject.Contains(" approval by ", StringComparison.Ordinal);
}
