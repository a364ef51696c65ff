using ReleaseManagement.Events;
using ReleaseManagement.Orchestration;
using static ReleaseManagement.Policy.Tests.TestPolicies;

namespace ReleaseManagement.Policy.Tests;

/// <summary>The one rule of who may attest, waive or report a gate item (<see cref="GateEntitlement"/>).</summary>
public class GateEntitlementTests
{
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> People = new Dictionary<string, IReadOnlyList<string>>
    {
        [PolicyRoles.ReleaseManager] = ["rm@example.com"],
        [PolicyRoles.TechnicalLead] = ["lead@example.com"],
    };

    private static GateItem Item(IReadOnlyList<string> attesters, IReadOnlyList<string> waivers) => new()
    {
        Id = "code-review",
        Description = "Code review",
        SatisfiedBy = GateSatisfaction.Attestation,
        AttestationRoles = attesters,
        Waivable = true,
        WaiverRoles = waivers,
    };

    [Fact]
    public void Allows_Attestation_OnlyAHolderOfAnAttestationRole_AnyoneWhenItNamesNone()
    {
        var item = Item([PolicyRoles.TechnicalLead], [PolicyRoles.ReleaseManager]);

        Assert.True(GateEntitlement.Allows(item, EvidenceKinds.Attestation, " LEAD@example.com ", People));
        Assert.False(GateEntitlement.Allows(item, EvidenceKinds.Attestation, "rm@example.com", People));
        Assert.True(GateEntitlement.Allows(Item([], []), EvidenceKinds.Attestation, "anyone@example.com", People));
    }

    [Fact]
    public void Allows_Waiver_OnlyAHolderOfAWaiverRole_NobodyWhenItNamesNone()
    {
        var item = Item([PolicyRoles.TechnicalLead], [PolicyRoles.ReleaseManager]);

        Assert.True(GateEntitlement.Allows(item, EvidenceKinds.Waiver, "rm@example.com", People));
        Assert.False(GateEntitlement.Allows(item, EvidenceKinds.Waiver, "lead@example.com", People));
        Assert.False(GateEntitlement.Allows(Item([], []), EvidenceKinds.Waiver, "rm@example.com", People));
    }

    [Fact]
    public void Allows_EvidenceReportByHand_OnlyWhereThePolicyLetsPeopleReportMachineEvidence()
    {
        var item = Item([PolicyRoles.TechnicalLead], [PolicyRoles.ReleaseManager]);
        Assert.False(GateEntitlement.Allows(item, EvidenceKinds.Evidence, "someone@example.com", People));
        Assert.False(GateEntitlement.Allows(item, EvidenceKinds.Configuration, "someone@example.com", People, new AccessPolicy()));
        Assert.True(GateEntitlement.Allows(item, EvidenceKinds.Evidence, "someone@example.com", People, new AccessPolicy { PeopleMayReportMachineEvidence = true }));
    }

    [Fact]
    public void GateEvaluator_AppliesTheSameRule_AttestationAndWaiverByTheUnentitledDoNotCount()
    {
        var item = Item([PolicyRoles.TechnicalLead], [PolicyRoles.ReleaseManager]);
        var at = NewYorkTime(2026, 12, 1, 9);
        var byTheWrongPeople = new GateInputs([], [new GateAttestation("code-review", "rm@example.com", true, at)], [new GateWaiver("code-review", "Low risk", "lead@example.com", at)]);
        var byTheRightPeople = new GateInputs([], [new GateAttestation("code-review", "lead@example.com", true, at)], []);

        var refused = GateEvaluator.EvaluateItem(item, byTheWrongPeople, People);

        Assert.Equal(GateVerdict.Pending, refused.Verdict);
        Assert.Equal(GateEntitlement.Allows(item, EvidenceKinds.Attestation, "lead@example.com", People), GateEvaluator.EvaluateItem(item, byTheRightPeople, People).Verdict == GateVerdict.Passed);
    }

    [Fact]
    public void GateEvaluator_AttestationAndWaiverByAPersonOutsideTheDirectory_CountOnlyWithTheRoleTheirClaimsGranted()
    {
        var item = Item([PolicyRoles.TechnicalLead], [PolicyRoles.ReleaseManager]);
        var at = NewYorkTime(2026, 12, 1, 9);
        var claimedLead = new GateInputs([], [new GateAttestation("code-review", "oncall@example.com", true, at, ClaimedRoles: [PolicyRoles.TechnicalLead])], []);
        var claimedOther = new GateInputs([], [new GateAttestation("code-review", "oncall@example.com", true, at, ClaimedRoles: [PolicyRoles.Auditor])], []);
        var noClaims = new GateInputs([], [new GateAttestation("code-review", "oncall@example.com", true, at)], []);
        var claimedWaiver = new GateInputs([], [], [new GateWaiver("code-review", "Low risk", "oncall@example.com", at, [PolicyRoles.ReleaseManager])]);

        Assert.Equal(GateVerdict.Passed, GateEvaluator.EvaluateItem(item, claimedLead, People).Verdict);
        Assert.Equal(GateVerdict.Pending, GateEvaluator.EvaluateItem(item, claimedOther, People).Verdict);
        Assert.Equal(GateVerdict.Pending, GateEvaluator.EvaluateItem(item, noClaims, People).Verdict);
        Assert.Equal(GateVerdict.Waived, GateEvaluator.EvaluateItem(item, claimedWaiver, People).Verdict);
    }

    [Fact]
    public void ClaimedRoles_OnlyTheApisEventsCarryThem_APipelinesEventClaimsNothing()
    {
        var attributes = new Dictionary<string, string>
        {
            [EventAttributes.GateItem] = "code-review",
            [EventAttributes.Attestation] = "approved",
            [EventAttributes.Approver] = "oncall@example.com",
            [EventAttributes.ClaimedRoles] = "technical-lead, release-manager",
        };
        CanonicalEvent From(string source) => new($"{source}:1", source, CanonicalEventType.GateEvidence, DateTimeOffset.UnixEpoch, "r-1", null, null, null, attributes);

        Assert.Equal([PolicyRoles.TechnicalLead, PolicyRoles.ReleaseManager], ReleaseInbox.ClaimedRoles(From(EventSources.Api)));
        Assert.All(EventSources.Webhooks, source => Assert.Null(ReleaseInbox.ClaimedRoles(From(source))));
    }

    [Fact]
    public void MaySignOff_DefaultSignOffItem_OnlyASignOffRoleHolder_AsTheEvidenceRouteFindsTheItem()
    {
        var policy = Default;
        var item = GateEntitlement.SignOffItem(policy);

        Assert.Same(GateItemInputs.Items(policy).Single(i => i.Id == policy.SuccessCriteria.SignOffItem).AttestationRoles, item.AttestationRoles);
        Assert.Equal(policy.SuccessCriteria.SignOffRoles, GateEntitlement.RolesFor(item, EvidenceKinds.Attestation));
        Assert.True(GateEntitlement.MaySignOff(policy, "rm@example.com", People));
        Assert.False(GateEntitlement.MaySignOff(policy, "lead@example.com", People));
    }

    [Fact]
    public void MaySignOff_SignOffItemIsAGateItem_TheGateItemsAttestersNotTheSignOffRoles()
    {
        var policy = Default with { SuccessCriteria = Default.SuccessCriteria with { SignOffItem = "documentation" } };

        Assert.Equal([PolicyRoles.TechnicalLead], GateEntitlement.RolesFor(GateEntitlement.SignOffItem(policy), EvidenceKinds.Attestation));
        Assert.True(GateEntitlement.MaySignOff(policy, "lead@example.com", People));
        Assert.False(GateEntitlement.MaySignOff(policy, "rm@example.com", People));
    }
}
