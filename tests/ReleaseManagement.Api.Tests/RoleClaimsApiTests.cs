using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ReleaseManagement.Api.Audit;
using ReleaseManagement.Audit;
using ReleaseManagement.Events;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Api.Tests;

/// <summary>
/// Issue 24, point 1: roles also come from the signed-in person's claims (<c>access.roleClaims</c>: an Entra ID app-role
/// value or a group object id to a role), for the controls the API judges alone: a rollback (release manager) and reading
/// the audit trail (auditor); and for the controls the lifecycle judges again (a decision, an attestation, a waiver), whose
/// event carries the roles the claims granted so the lifecycle counts it as the API did. A claim the policy does not map
/// grants nothing, and a name or a role in a body grants nothing by itself.
/// </summary>
public sealed class RoleClaimsApiTests : IAsyncLifetime
{
    private const string AuditorsGroup = "5e1a0c2d-0000-4000-8000-0000000000aa";

    private ApiHarness _h = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var policy = ReleasePolicyDefaults.Create();
        policy = policy with
        {
            Access = policy.Access with
            {
                RoleClaims = new Dictionary<string, IReadOnlyList<string>>
                {
                    [PolicyRoles.ReleaseManager] = ["Release.Manager"],
                    [PolicyRoles.TechnicalLead] = ["Release.TechLead"],
                    [PolicyRoles.Auditor] = [AuditorsGroup],
                },
            },
        };
        _h = await ApiHarness.StartAsync(policy, requireSignedIn: true);
    }

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    /// <summary>An App Service principal for <paramref name="email"/> with app-role and group claims.</summary>
    private static string Principal(string email, string[] roles, string[] groups) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            auth_typ = "aad",
            name_typ = "preferred_username",
            role_typ = "roles",
            claims = new[] { new { typ = "preferred_username", val = email } }
                .Concat(roles.Select(r => new { typ = "roles", val = r }))
                .Concat(groups.Select(g => new { typ = "groups", val = g })),
        })));

    private async Task DeployedAsync(string id, string environment)
    {
        var at = _h.Time.GetUtcNow();
        var evt = new CanonicalEvent($"test:{Guid.NewGuid():N}", "test", CanonicalEventType.ServiceDeployed, at, id, "Billing", environment, EventOutcomes.Success, new Dictionary<string, string>());
        await _h.Events.AddAsync(evt, at, Ct);
        await _h.Events.MarkProcessedAsync(evt, EventDelivery.Raised, at, Ct);
        _h.Time.Advance(TimeSpan.FromMinutes(1));
    }

    private Task<Answer> RollbackAsync(string id, string header) =>
        _h.CallAsync(r => _h.Rollback.RollbackAsync(id, r, _h.Client, Ct), """{ "reason": "Wrong build in integration" }""", principalHeader: header);

    private Task<Answer> AuditAsync(string id, string header) =>
        _h.CallAsync(r => _h.Services.GetRequiredService<AuditHandlers>().GetAsync(id, r, Ct), method: "GET", principalHeader: header);

    [Fact]
    public async Task Rollback_BySomeoneOutsideTheDirectoryWithTheMappedAppRole_Is202()
    {
        var id = await _h.StartReleaseAsync();
        await DeployedAsync(id, "integration");

        var answer = await RollbackAsync(id, Principal("oncall@example.com", ["Release.Manager"], []));

        Assert.True(answer.Status == 202, answer.ToString());
        var received = Assert.Single(await _h.ReceivedAsync(id));
        Assert.Equal("oncall@example.com", received.Rollback!.By);
    }

    [Fact]
    public async Task Rollback_WithAnUnmappedAppRole_Is403AndRaisesNothing()
    {
        var id = await _h.StartReleaseAsync();
        await DeployedAsync(id, "integration");

        var answer = await RollbackAsync(id, Principal("oncall@example.com", ["Release.Reader", AuditorsGroup], []));

        Assert.Equal((403, "application/problem+json"), (answer.Status, answer.ContentType));
        Assert.Contains("release-manager", answer.Str("detail"), StringComparison.Ordinal);
        Assert.Empty(await _h.ReceivedAsync(id));
    }

    [Fact]
    public async Task AuditTrail_ReadByAMemberOfTheMappedGroup_Is200_WithoutTheGroup403()
    {
        var id = await _h.StartReleaseAsync();

        var member = await AuditAsync(id, Principal("auditor@example.com", [], [AuditorsGroup]));
        var outsider = await AuditAsync(id, Principal("auditor@example.com", [], ["another-group"]));

        Assert.True(member.Status == 200, member.ToString());
        Assert.Equal((403, "application/problem+json"), (outsider.Status, outsider.ContentType));
        await _h.EndAsync(id);
    }

    private Task<Answer> EvidenceAsync(string id, string json, string header) =>
        _h.CallAsync(r => _h.Evidence.EvidenceAsync(id, r, _h.Client, Ct), json, principalHeader: header);

    [Fact]
    public async Task Decision_BySomeoneOutsideTheDirectoryWithTheStagesMappedAppRole_IsRecordedAndRaisedWithTheClaimedRole()
    {
        var id = await _h.StartReleaseAsync();
        const string Decision = """{ "stage": "plan", "decision": "approve", "approver": "oncall@example.com" }""";

        var unmapped = await _h.CallAsync(r => _h.Decisions.DecideAsync(id, r, _h.Client, Ct), Decision, principalHeader: Principal("oncall@example.com", ["Release.Reader"], []));
        var answer = await _h.CallAsync(r => _h.Decisions.DecideAsync(id, r, _h.Client, Ct), Decision, principalHeader: Principal("oncall@example.com", ["Release.TechLead"], []));

        Assert.Equal((403, "application/problem+json"), (unmapped.Status, unmapped.ContentType));
        Assert.True(answer.Status == 202, answer.ToString());
        var stored = Assert.Single(await _h.Services.GetRequiredService<IApprovalDecisionStore>().ListAsync(id, "plan", Ct));
        Assert.Equal([PolicyRoles.TechnicalLead], stored.ClaimedRoles);
        var audit = (await _h.Services.GetRequiredService<IAuditTrail>().ReadAsync(id, Ct)).Single(r => r.Entry.Action == AuditActions.Decision);
        Assert.Equal(PolicyRoles.TechnicalLead, audit.Entry.Data!["claimedRoles"]);
        var raised = Assert.Single(await _h.ReceivedAsync(id)).Approval!;
        Assert.Equal([PolicyRoles.TechnicalLead], raised.ClaimedRoles);
    }

    [Fact]
    public async Task AttestationAndWaiver_BySomeoneOutsideTheDirectoryWithTheMappedAppRole_CarryTheClaimedRoleToTheLifecycle()
    {
        var id = await _h.StartReleaseAsync();
        var signOff = _h.Policy.SuccessCriteria.SignOffItem;
        var manager = Principal("oncall@example.com", ["Release.Manager"], []);

        var attested = await EvidenceAsync(id, $$"""{ "item": "{{signOff}}", "kind": "attestation", "by": "oncall@example.com", "note": "Dashboards checked by hand" }""", manager);
        var waived = await EvidenceAsync(id, """{ "item": "backup", "kind": "waiver", "by": "oncall@example.com", "reason": "Snapshot taken by hand" }""", manager);

        Assert.True(attested.Status == 202, attested.ToString());
        Assert.True(waived.Status == 202, waived.ToString());
        var raised = (await _h.ReceivedAsync(id)).Select(r => r.Pipeline!).ToArray();
        Assert.Equal(2, raised.Length);
        Assert.All(raised, e => Assert.Equal([PolicyRoles.ReleaseManager], Orchestration.ReleaseInbox.ClaimedRoles(e)));
        var inputs = new GateInputs(
            [],
            [new GateAttestation(signOff, "oncall@example.com", true, raised[0].OccurredAt, null, Orchestration.ReleaseInbox.ClaimedRoles(raised[0]))],
            [new GateWaiver("backup", "Snapshot taken by hand", "oncall@example.com", raised[1].OccurredAt, Orchestration.ReleaseInbox.ClaimedRoles(raised[1]))]);
        var people = ApproverDirectory.Resolve(_h.Policy, [_h.System], null);
        Assert.Equal(GateVerdict.Passed, GateEvaluator.EvaluateItem(GateEntitlement.SignOffItem(_h.Policy), inputs, people).Verdict);
    }

    [Fact]
    public async Task Attestation_WithoutTheMappedAppRole_Is403_ARoleNamedInTheBodyGrantsNothing()
    {
        var id = await _h.StartReleaseAsync();
        var signOff = _h.Policy.SuccessCriteria.SignOffItem;

        var answer = await EvidenceAsync(
            id, $$"""{ "item": "{{signOff}}", "kind": "attestation", "by": "oncall@example.com", "claimedRoles": ["release-manager"] }""",
            Principal("oncall@example.com", ["Release.Reader"], []));

        Assert.True(answer.Status is 400 or 403, answer.ToString());
        Assert.Equal("application/problem+json", answer.ContentType);
        await _h.EndAsync(id);
    }
}
