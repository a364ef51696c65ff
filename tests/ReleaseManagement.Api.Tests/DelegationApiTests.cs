using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MimeKit;
using ReleaseManagement.Activities;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Azure.Email;
using ReleaseManagement.Api.Audit;
using ReleaseManagement.Approvals;
using ReleaseManagement.Audit;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Api.Tests;

/// <summary>
/// Delegation while away (issue 24, point 5) through the shared handlers on Azurite: creating, listing and cancelling a
/// delegation (400/403/409 problems store nothing), and a decision by a delegate for the owner, recorded, audited and raised
/// with both names; refused once the delegation was cancelled, or when the delegate requested the release.
/// </summary>
public sealed class DelegationApiTests : IAsyncLifetime
{
    private readonly string _tag = Guid.NewGuid().ToString("N")[..10];
    private ApiHarness _h = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>This test's own people: owner and peer hold technical-lead, qa holds qa-lead only.</summary>
    private string Owner => $"owner-{_tag}@example.com";

    private string Peer => $"peer-{_tag}@example.com";

    private string Qa => $"qa-{_tag}@example.com";

    private DelegationHandlers Delegations => _h.Services.GetRequiredService<DelegationHandlers>();

    private IDelegationStore Store => _h.Services.GetRequiredService<IDelegationStore>();

    /// <summary>This test's own auditor (an audit reader role).</summary>
    private string Auditor => $"auditor-{_tag}@example.com";

    public async ValueTask InitializeAsync() => _h = await ApiHarness.StartAsync(Policy());

    private ReleasePolicy Policy() => ReleasePolicyDefaults.Create() with
    {
        Approvers = new Dictionary<string, IReadOnlyList<string>>
        {
            [PolicyRoles.TechnicalLead] = [Owner, Peer],
            [PolicyRoles.QaLead] = [Qa],
            [PolicyRoles.Auditor] = [Auditor],
        },
        Delegation = new DelegationPolicy { Eligible = DelegateEligibility.RoleHolders, MaxDays = 14 },
    };

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    private string NewId() => $"away-{Guid.NewGuid():N}";

    private Task<Answer> CreateAsync(string json, string? principal = null) =>
        _h.CallAsync(r => Delegations.CreateAsync(r, Ct), json, principal: principal);

    private Task<Answer> CancelAsync(string id, string json) => _h.CallAsync(r => Delegations.CancelAsync(id, r, Ct), json);

    private string Until(double days = 7) => _h.Time.GetUtcNow().AddDays(days).ToString("O");

    private async Task<IReadOnlyList<AuditRecord>> DelegationAuditAsync(string id) =>
        (await _h.Services.GetRequiredService<IAuditTrail>().ReadAsync(DelegationHandlers.AuditStream, Ct))
            .Where(r => r.Entry.Data?.GetValueOrDefault("id") == id).ToArray();

    private static void AssertProblem(Answer answer, int status)
    {
        Assert.True(answer.Status == status, answer.ToString());
        Assert.Equal("application/problem+json", answer.ContentType);
    }

    [Fact]
    public async Task Create_ValidDelegation_Is201ListedAndAudited()
    {
        var id = NewId();

        var answer = await CreateAsync($$"""{ "id": "{{id}}", "by": "{{Owner}}", "to": "{{Peer}}", "roles": ["technical-lead"], "until": "{{Until()}}", "reason": "Holiday" }""");
        var listed = await _h.CallAsync(r => Delegations.ListAsync(r, Ct), query: $"?person={Uri.EscapeDataString(Peer)}", method: "GET");

        Assert.True(answer.Status == 201, answer.ToString());
        Assert.Equal(Peer, answer.Str("delegate"));
        Assert.Equal("true", answer.Str("active"));
        Assert.Equal(id, Assert.Single(listed.Body!["received"]!.AsArray())!["id"]!.ToString());
        Assert.Empty(listed.Body!["delegated"]!.AsArray());
        var row = Assert.Single(await DelegationAuditAsync(id));
        Assert.Equal(AuditActions.Delegation, row.Entry.Action);
        Assert.Equal(Owner, row.Entry.By);
        Assert.Equal(Peer, row.Entry.Data!["to"]);
    }

    [Fact]
    public async Task Create_SameIdAgain_AnswersTheStoredOneAndADifferentRequestIs409()
    {
        var id = NewId();
        var json = $$"""{ "id": "{{id}}", "by": "{{Owner}}", "to": "{{Peer}}", "until": "{{Until()}}" }""";

        var first = await CreateAsync(json);
        _h.Time.Advance(TimeSpan.FromMinutes(1));
        var retry = await CreateAsync(json);
        var other = await CreateAsync($$"""{ "id": "{{id}}", "by": "{{Owner}}", "to": "{{Peer}}", "until": "{{Until(3)}}" }""");

        Assert.Equal(201, first.Status);
        Assert.True(retry.Status == 200, retry.ToString());
        Assert.Equal(first.Str("from"), retry.Str("from"));
        AssertProblem(other, 409);
        Assert.Single(await DelegationAuditAsync(id));
    }

    [Theory]
    [InlineData("stranger", "technical-lead", 7, "to", "is not in the policy's directory")]
    [InlineData("qa", "technical-lead", 7, "to", "does not hold technical-lead")]
    [InlineData("peer", "qa-lead", 7, "roles", "does not hold the role 'qa-lead'")]
    [InlineData("peer", "technical-lead", 15, "until", "at most 14 days")]
    [InlineData("peer", "technical-lead", -1, "until", "before it starts")]
    public async Task Create_NotAllowed_Is400AndNothingStoredOrAudited(string to, string role, double days, string field, string message)
    {
        var id = NewId();
        var person = to switch { "qa" => Qa, "peer" => Peer, _ => $"stranger-{_tag}@example.com" };

        var answer = await CreateAsync($$"""{ "id": "{{id}}", "by": "{{Owner}}", "to": "{{person}}", "roles": ["{{role}}"], "until": "{{Until(days)}}" }""");

        AssertProblem(answer, 400);
        Assert.Contains(message, string.Join(" ", answer.Errors(field)), StringComparison.Ordinal);
        Assert.Null(await Store.GetAsync(id, Ct));
        Assert.Empty(await DelegationAuditAsync(id));
    }

    [Fact]
    public async Task Create_ByNamingSomeoneElseThanTheSignedInPerson_Is403AndNothingStored()
    {
        var id = NewId();

        var answer = await CreateAsync($$"""{ "id": "{{id}}", "by": "{{Owner}}", "to": "{{Peer}}", "until": "{{Until()}}" }""", principal: Peer);

        AssertProblem(answer, 403);
        Assert.Null(await Store.GetAsync(id, Ct));
    }

    [Fact]
    public async Task List_WhereSignInIsRequired_OnesOwnOrAnAuditReadersAndAnyoneElseIs403()
    {
        await using var signedIn = await ApiHarness.StartAsync(Policy(), requireSignedIn: true);
        var delegations = signedIn.Services.GetRequiredService<DelegationHandlers>();
        var id = NewId();
        var created = await signedIn.CallAsync(
            r => delegations.CreateAsync(r, Ct), $$"""{ "id": "{{id}}", "by": "{{Owner}}", "to": "{{Peer}}", "until": "{{Until()}}" }""", principal: Owner);
        Assert.True(created.Status == 201, created.ToString());
        Task<Answer> ListAsync(string? person, string? principal) => signedIn.CallAsync(
            r => delegations.ListAsync(r, Ct), query: person is null ? null : $"?person={Uri.EscapeDataString(person)}", principal: principal, method: "GET");

        var own = await ListAsync(null, Owner);
        var received = await ListAsync(Peer, Peer);
        var byAuditor = await ListAsync(Owner, Auditor);
        var byDelegate = await ListAsync(Owner, Peer);
        var byOther = await ListAsync(Owner, Qa);
        var anonymous = await ListAsync(Owner, null);

        Assert.Equal(id, Assert.Single(own.Body!["delegated"]!.AsArray())!["id"]!.ToString());
        Assert.Equal(id, Assert.Single(received.Body!["received"]!.AsArray())!["id"]!.ToString());
        Assert.True(byAuditor.Status == 200, byAuditor.ToString());
        Assert.Equal(id, Assert.Single(byAuditor.Body!["delegated"]!.AsArray())!["id"]!.ToString());
        AssertProblem(byDelegate, 403);
        AssertProblem(byOther, 403);
        Assert.Equal("Not your delegations.", byOther.Str("title"));
        Assert.DoesNotContain(id, byOther.ToString(), StringComparison.Ordinal);
        AssertProblem(anonymous, 403);
    }

    [Fact]
    public async Task Cancel_BySomeoneElse_Is403_ByTheOwnerEndsIt()
    {
        var id = NewId();
        await CreateAsync($$"""{ "id": "{{id}}", "by": "{{Owner}}", "to": "{{Peer}}", "until": "{{Until()}}" }""");

        var stranger = await CancelAsync(id, $$"""{ "by": "{{Peer}}" }""");
        var owner = await CancelAsync(id, $$"""{ "by": "{{Owner}}" }""");
        var unknown = await CancelAsync(NewId(), $$"""{ "by": "{{Owner}}" }""");

        AssertProblem(stranger, 403);
        Assert.True(owner.Status == 200, owner.ToString());
        Assert.Equal("false", owner.Str("active"));
        AssertProblem(unknown, 404);
        Assert.Empty(await Store.ListByDelegateAsync(Peer, _h.Time.GetUtcNow(), Ct));
        Assert.Equal([AuditActions.Delegation, AuditActions.DelegationCancel], (await DelegationAuditAsync(id)).Select(r => r.Entry.Action));
    }

    private string ReleaseApprovers => JsonSerializer.Serialize(new Dictionary<string, string[]>
    {
        [PolicyRoles.TechnicalLead] = [Owner],
        [PolicyRoles.QaLead] = [Qa],
        [PolicyRoles.ProductOwner] = ["po@example.com"],
        [PolicyRoles.ReleaseManager] = ["rm@example.com"],
        [PolicyRoles.Executive] = ["exec@example.com"],
        [PolicyRoles.Stakeholder] = ["stakeholder@example.com"],
    });

    [Fact]
    public async Task Decision_ByADelegateForTheOwner_IsRecordedAuditedAndRaisedWithBothNames()
    {
        var release = await _h.StartReleaseAsync(requestedBy: $"req-{_tag}@example.com", approversJson: ReleaseApprovers);
        await CreateAsync($$"""{ "id": "{{NewId()}}", "by": "{{Owner}}", "to": "{{Peer}}", "roles": ["technical-lead"], "until": "{{Until()}}" }""");

        var answer = await _h.CallAsync(r => _h.Decisions.DecideAsync(release, r, _h.Client, Ct),
            $$"""{ "stage": "plan", "decision": "approve", "approver": "{{Peer}}", "role": "technical-lead", "onBehalfOf": "{{Owner}}" }""");

        Assert.True(answer.Status == 202, answer.ToString());
        var stored = Assert.Single(await _h.Services.GetRequiredService<IApprovalDecisionStore>().ListAsync(release, "plan", Ct));
        Assert.Equal((Peer, Owner), (stored.Approver, stored.OnBehalfOf));
        var audit = (await _h.Services.GetRequiredService<IAuditTrail>().ReadAsync(release, Ct)).Single(r => r.Entry.Action == AuditActions.Decision);
        Assert.Equal(Peer, audit.Entry.By);
        Assert.Equal(Owner, audit.Entry.Data!["for"]);
        Assert.Contains($"decided by {Peer} for {Owner}", audit.Entry.Summary, StringComparison.Ordinal);
        var raised = Assert.Single(await _h.ReceivedAsync(release)).Approval!;
        Assert.Equal((Peer, Owner, $"{Peer} for {Owner}"), (raised.Approver, raised.OnBehalfOf, raised.DecidedBy));
        Assert.Equal(["technical-lead"], raised.DelegatedRoles);
    }

    [Fact]
    public async Task Decision_ForTheOwnerAfterTheDelegationWasCancelled_Is403AndNotRecorded()
    {
        var release = await _h.StartReleaseAsync(requestedBy: $"req-{_tag}@example.com", approversJson: ReleaseApprovers);
        var id = NewId();
        await CreateAsync($$"""{ "id": "{{id}}", "by": "{{Owner}}", "to": "{{Peer}}", "until": "{{Until()}}" }""");
        await CancelAsync(id, $$"""{ "by": "{{Owner}}" }""");

        var answer = await _h.CallAsync(r => _h.Decisions.DecideAsync(release, r, _h.Client, Ct),
            $$"""{ "stage": "plan", "decision": "approve", "approver": "{{Peer}}", "onBehalfOf": "{{Owner}}" }""");

        AssertProblem(answer, 403);
        Assert.Contains("has no delegation", answer.Str("detail"), StringComparison.Ordinal);
        Assert.Empty(await _h.Services.GetRequiredService<IApprovalDecisionStore>().ListAsync(release, "plan", Ct));
        await _h.EndAsync(release);
    }

    [Theory]
    [InlineData(true, "cannot approve")]
    [InlineData(false, "four eyes")]
    public async Task Decision_WhenTheDelegateOrTheOwnerRequestedTheRelease_Is403AndNotRecorded(bool delegateRequested, string detail)
    {
        var approvers = JsonSerializer.Deserialize<Dictionary<string, string[]>>(ReleaseApprovers)!;
        approvers[PolicyRoles.TechnicalLead] = [Owner, Peer];
        var release = await _h.StartReleaseAsync(requestedBy: delegateRequested ? Peer : Owner, approversJson: JsonSerializer.Serialize(approvers));
        await CreateAsync($$"""{ "id": "{{NewId()}}", "by": "{{Owner}}", "to": "{{Peer}}", "until": "{{Until()}}" }""");

        var answer = await _h.CallAsync(r => _h.Decisions.DecideAsync(release, r, _h.Client, Ct),
            $$"""{ "stage": "plan", "decision": "approve", "approver": "{{Peer}}", "onBehalfOf": "{{Owner}}" }""");

        AssertProblem(answer, 403);
        Assert.Contains(detail, answer.Str("detail"), StringComparison.Ordinal);
        Assert.Empty(await _h.Services.GetRequiredService<IApprovalDecisionStore>().ListAsync(release, "plan", Ct));
        await _h.EndAsync(release);
    }

    [Fact]
    public async Task ApprovalEmail_ForAnOwnerAway_GoesToTheDelegateWithTheOwnerInCopy_AndItsLinkDecidesForTheOwner()
    {
        var release = await _h.StartReleaseAsync(requestedBy: $"req-{_tag}@example.com", approversJson: ReleaseApprovers);
        await CreateAsync($$"""{ "id": "{{NewId()}}", "by": "{{Owner}}", "to": "{{Peer}}", "roles": ["technical-lead"], "until": "{{Until()}}" }""");
        var mail = _h.Services.GetRequiredService<IOptions<EmailOptions>>().Value.FileDirectory;

        var sent = await _h.Services.GetRequiredService<RequestApprovals>().RunAsync(
            new RequestApprovalsInput(release, "plan", 1, ApprovalKind.Request, [new ApproverRef(Owner, PolicyRoles.TechnicalLead)], _h.Time.GetUtcNow().AddDays(2)), Ct);

        Assert.Equal(1, sent.Emailed);
        var message = Directory.GetFiles(mail, "*.eml").Select(f => MimeMessage.Load(f))
            .Single(m => (m.TextBody ?? "").Contains(release, StringComparison.Ordinal));
        var text = message.TextBody ?? "";
        Assert.Equal([Peer], message.To.Mailboxes.Select(m => m.Address));
        Assert.Equal([Owner], message.Cc.Mailboxes.Select(m => m.Address));
        Assert.Contains($"delegate of {Owner}", text, StringComparison.Ordinal);
        var token = Regex.Match(text, "/api/approvals/([A-Za-z0-9_-]+)").Groups[1].Value;

        var decided = await _h.Services.GetRequiredService<ApprovalDecisionService>()
            .DecideByLinkAsync(token, true, "Covering for the lead", new DecisionClient("203.0.113.9", "test", null), _h.Client, Ct);

        Assert.Equal(DecisionAttemptOutcome.Recorded, decided.Outcome);
        Assert.Equal((Peer, Owner), (decided.Decision!.Approver, decided.Decision.OnBehalfOf));
        var raised = Assert.Single(await _h.ReceivedAsync(release)).Approval!;
        Assert.Equal($"{Peer} for {Owner}", raised.DecidedBy);
    }
}
