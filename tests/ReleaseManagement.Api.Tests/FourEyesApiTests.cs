using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ReleaseManagement.Api.Audit;
using ReleaseManagement.Approvals;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Api.Tests;

/// <summary>
/// Issue 24, point 4 through the shared handlers on Azurite: the requester neither approves, waives, signs off nor reviews
/// their release (403 with a problem body, nothing stored, raised or audited), unless <c>Approvals:RequesterMayApprove</c>;
/// and one person holding both emergency roles decides the emergency stage once.
/// </summary>
public sealed class FourEyesApiTests : IAsyncLifetime
{
    /// <summary>The requester holds every role that could let them act on their own release.</summary>
    private const string Approvers = """
        { "release-manager": ["rm@example.com", "rm2@example.com"], "technical-lead": ["rm@example.com", "lead@example.com"],
          "product-owner": ["po@example.com"], "qa-lead": ["qa@example.com"], "executive": ["exec@example.com"], "stakeholder": ["stakeholder@example.com"] }
        """;

    private ApiHarness _h = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _h = await ApiHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    private static string Today => DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static Task<Answer> EvidenceAsync(ApiHarness h, string id, string json) =>
        h.CallAsync(r => h.Evidence.EvidenceAsync(id, r, h.Client, Ct), json);

    private static Task<Answer> DecideAsync(ApiHarness h, string id, string json) =>
        h.CallAsync(r => h.Decisions.DecideAsync(id, r, h.Client, Ct), json);

    private static async Task<IReadOnlyList<string>> AuditActionsAsync(ApiHarness h, string id)
    {
        var audit = await h.CallAsync(r => h.Services.GetRequiredService<AuditHandlers>().GetAsync(id, r, Ct), method: "GET");
        return audit.Body!["entries"]!.AsArray().Select(e => (string)e!["action"]!).ToArray();
    }

    private static void AssertForbiddenProblem(Answer answer, string detail)
    {
        Assert.True(answer.Status == 403, answer.ToString());
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.Equal(403, (int?)answer.Body!["status"]);
        Assert.Contains(detail, answer.Str("detail"), StringComparison.Ordinal);
    }

    private static async Task NothingChangedAsync(ApiHarness h, string id)
    {
        Assert.Empty(await h.Events.ListByReleaseAsync(id, Ct));
        Assert.Empty(await h.Services.GetRequiredService<IApprovalDecisionStore>().ListAsync(id, ApprovalStageKeys.Emergency, Ct));
        Assert.Equal(["request", "policy"], await AuditActionsAsync(h, id));
        Assert.Empty(await h.ReceivedAsync(id));
    }

    [Fact]
    public async Task Waiver_ByTheRequesterHoldingTheWaiverRole_Is403AndChangesNothing()
    {
        var id = await _h.StartReleaseAsync(requestedBy: "rm@example.com", approversJson: Approvers);

        var answer = await EvidenceAsync(_h, id, """{ "item": "backup", "kind": "waiver", "by": "rm@example.com", "reason": "Snapshot taken by hand" }""");

        AssertForbiddenProblem(answer, "rm@example.com requested this release and may not waive 'backup'");
        await NothingChangedAsync(_h, id);
    }

    [Fact]
    public async Task SignOffOfMissingHealthData_ByTheRequester_Is403AndChangesNothing()
    {
        var id = await _h.StartReleaseAsync(requestedBy: "rm@example.com", approversJson: Approvers);
        var item = _h.Policy.SuccessCriteria.SignOffItem;

        var answer = await EvidenceAsync(_h, id, $$"""{ "item": "{{item}}", "kind": "attestation", "by": "rm@example.com", "note": "Looks fine" }""");

        AssertForbiddenProblem(answer, $"may not sign off '{item}'");
        await NothingChangedAsync(_h, id);
    }

    [Fact]
    public async Task EmergencyReview_ByTheRequester_Is403AndChangesNothing()
    {
        var id = await _h.StartReleaseAsync("Hotfix", Today, requestedBy: "rm@example.com", approversJson: Approvers);

        var answer = await EvidenceAsync(_h, id, """{ "item": "emergency-review", "kind": "attestation", "by": "rm@example.com", "note": "Root cause: me" }""");

        AssertForbiddenProblem(answer, "may not review 'emergency-review'");
        await NothingChangedAsync(_h, id);
    }

    [Fact]
    public async Task Approval_ByTheRequester_Is403AndChangesNothing()
    {
        var id = await _h.StartReleaseAsync("Hotfix", Today, requestedBy: "rm@example.com", approversJson: Approvers);

        var answer = await DecideAsync(_h, id, """{ "stage": "emergency", "decision": "approve", "approver": "rm@example.com", "role": "release-manager" }""");

        AssertForbiddenProblem(answer, "cannot approve");
        await NothingChangedAsync(_h, id);
    }

    [Fact]
    public async Task EmergencyApproval_OnePersonHoldingBothRoles_DecidesOnce_TheSecondRoleIs403AndNotRaised()
    {
        var id = await _h.StartReleaseAsync("Hotfix", Today, requestedBy: "lead@example.com", approversJson: Approvers);

        var first = await DecideAsync(_h, id, """{ "stage": "emergency", "decision": "approve", "approver": "rm@example.com", "role": "release-manager" }""");
        var second = await DecideAsync(_h, id, """{ "stage": "emergency", "decision": "approve", "approver": "rm@example.com", "role": "technical-lead" }""");

        Assert.True(first.Status == 202, first.ToString());
        AssertForbiddenProblem(second, "a person's decision counts for one role only");
        var stored = Assert.Single(await _h.Services.GetRequiredService<IApprovalDecisionStore>().ListAsync(id, ApprovalStageKeys.Emergency, Ct));
        Assert.Equal(first.Str("decisionId"), stored.DecisionId);
        var received = Assert.Single(await _h.ReceivedAsync(id));
        Assert.Equal(first.Str("decisionId"), received.Approval!.DecisionId);
    }

    [Fact]
    public async Task RequesterMayApprove_TheSmallTeamSwitch_LetsTheRequesterWaiveAndSignOff()
    {
        await using var h = await ApiHarness.StartAsync(requesterMayApprove: true);
        var id = await h.StartReleaseAsync(requestedBy: "rm@example.com", approversJson: Approvers);

        var waiver = await EvidenceAsync(h, id, """{ "item": "backup", "kind": "waiver", "by": "rm@example.com", "reason": "Snapshot taken by hand" }""");
        var signOff = await EvidenceAsync(h, id, $$"""{ "item": "{{h.Policy.SuccessCriteria.SignOffItem}}", "kind": "attestation", "by": "rm@example.com" }""");

        Assert.Equal((202, 202), (waiver.Status, signOff.Status));
        Assert.Equal(2, (await h.ReceivedAsync(id)).Count);
    }
}
