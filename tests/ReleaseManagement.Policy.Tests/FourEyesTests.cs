using ReleaseManagement.Releases;
using static ReleaseManagement.Policy.Tests.TestPolicies;

namespace ReleaseManagement.Policy.Tests;

/// <summary>
/// Issue 24, point 4: nobody approves, waives, signs off or reviews their own release; a quorum of several roles needs as
/// many distinct people; a waiver needs <c>waiverQuorum</c> people (<see cref="FourEyes"/>, <see cref="ApprovalQuorum"/>,
/// <see cref="GateEvaluator"/>, <see cref="GateEntitlement"/>).
/// </summary>
public class FourEyesTests
{
    private const string Requester = "rm@example.com";

    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> People = new Dictionary<string, IReadOnlyList<string>>
    {
        [PolicyRoles.ReleaseManager] = [Requester, "rm2@example.com", "both@example.com"],
        [PolicyRoles.TechnicalLead] = ["lead@example.com", "both@example.com", Requester],
    };

    private static readonly DateTimeOffset At = NewYorkTime(2026, 12, 1, 9);

    private static GateItem Backup => new()
    {
        Id = "backup",
        Description = "Backup taken",
        SatisfiedBy = GateSatisfaction.Evidence,
        AttestationRoles = [],
        Waivable = true,
        WaiverRoles = [PolicyRoles.ReleaseManager],
    };

    private static ReleaseRequest Release(RiskRating impact, RiskRating probability, string? requestedBy = Requester) =>
        new("four-eyes", "Four eyes", ReleaseType.Minor, ["Billing"], new DateOnly(2026, 12, 8), requestedBy, Impact: impact, Probability: probability);

    private static GateInputs Waivers(params string[] by) =>
        GateInputs.Empty with { Waivers = by.Select((p, i) => new GateWaiver("backup", "Snapshot taken by hand", p, At.AddMinutes(i))).ToArray() };

    [Fact]
    public void For_HighRisk_NeedsTwoWaiversElseOne_AndNamesTheRequester()
    {
        var high = FourEyes.For(Default, Release(RiskRating.High, RiskRating.High), requesterMayAct: false);
        var medium = FourEyes.For(Default, Release(RiskRating.Medium, RiskRating.Medium), requesterMayAct: false);

        Assert.Equal((Requester, false, 2), (high.Requester, high.RequesterMayAct, high.WaiverQuorum));
        Assert.Equal(1, medium.WaiverQuorum);
        Assert.True(high.Bars(" RM@example.com "));
        Assert.False(high.Bars("lead@example.com"));
        Assert.False(FourEyes.For(Default, Release(RiskRating.Low, RiskRating.Low), requesterMayAct: true).Bars(Requester));
        Assert.False(FourEyes.For(Default, Release(RiskRating.Low, RiskRating.Low, requestedBy: null), requesterMayAct: false).Bars(Requester));
    }

    [Fact]
    public void Refusal_RequesterWaivingSigningOffOrReviewing_IsRefusedWhateverTheirRoles()
    {
        var fourEyes = new FourEyes(Requester);
        var signOff = GateEntitlement.SignOffItem(Default);
        var review = GateItemInputs.EmergencyReview(Default);

        var waiver = GateEntitlement.Refusal(Default, Backup, EvidenceKinds.Waiver, Requester, People, fourEyes);

        Assert.Contains("rm@example.com requested this release and may not waive 'backup'", waiver, StringComparison.Ordinal);
        Assert.Contains("may not sign off", GateEntitlement.Refusal(Default, signOff, EvidenceKinds.Attestation, Requester, People, fourEyes), StringComparison.Ordinal);
        Assert.Contains("may not review", GateEntitlement.Refusal(Default, review, EvidenceKinds.Attestation, Requester, People, fourEyes), StringComparison.Ordinal);
        Assert.Null(GateEntitlement.Refusal(Default, Backup, EvidenceKinds.Waiver, "rm2@example.com", People, fourEyes));
        Assert.Null(GateEntitlement.Refusal(Default, review, EvidenceKinds.Attestation, "lead@example.com", People, fourEyes));
        Assert.False(GateEntitlement.MaySignOff(Default, Requester, People, fourEyes));
        Assert.True(GateEntitlement.MaySignOff(Default, Requester, People, fourEyes with { RequesterMayAct = true }));
        Assert.Null(GateEntitlement.Refusal(Default, Backup, EvidenceKinds.Waiver, Requester, People, fourEyes with { RequesterMayAct = true }));
    }

    [Fact]
    public void Refusal_RequesterReportingEvidence_IsNotAFourEyesMatter()
    {
        Assert.Null(new FourEyes(Requester).Refusal(Default, Backup, EvidenceKinds.Evidence, Requester));
    }

    [Fact]
    public void EvaluateItem_WaiverByTheRequester_DoesNotCountAndSaysWhy()
    {
        var result = GateEvaluator.EvaluateItem(Backup, Waivers(Requester), People, new FourEyes(Requester));

        Assert.Equal(GateVerdict.Pending, result.Verdict);
        Assert.Contains("a waiver needs 1 person of release-manager, has 0; rm@example.com requested this release and may not waive it", result.Reason, StringComparison.Ordinal);
        Assert.Equal(GateVerdict.Waived, GateEvaluator.EvaluateItem(Backup, Waivers(Requester), People, new FourEyes(Requester, RequesterMayAct: true)).Verdict);
        Assert.Equal(GateVerdict.Waived, GateEvaluator.EvaluateItem(Backup, Waivers(Requester), People).Verdict);
    }

    [Fact]
    public void EvaluateItem_QuorumOfTwo_StaysFailingWithOneWaiverAndPassesWithASecondPerson()
    {
        var fourEyes = new FourEyes(Requester, WaiverQuorum: 2);
        var failed = new GateInputs([new GateEvidence("backup", At, Passed: false)], [], []);

        var one = GateEvaluator.EvaluateItem(Backup, failed with { Waivers = Waivers("rm2@example.com").Waivers }, People, fourEyes);
        var samePersonTwice = GateEvaluator.EvaluateItem(Backup, failed with { Waivers = Waivers("rm2@example.com", "RM2@example.com").Waivers }, People, fourEyes);
        var withTheRequester = GateEvaluator.EvaluateItem(Backup, failed with { Waivers = Waivers("rm2@example.com", Requester).Waivers }, People, fourEyes);
        var two = GateEvaluator.EvaluateItem(Backup, failed with { Waivers = Waivers("rm2@example.com", "both@example.com").Waivers }, People, fourEyes);

        Assert.Equal(GateVerdict.Failed, one.Verdict);
        Assert.Equal("'backup' failed. (a waiver needs 2 people of release-manager, has 1 (rm2@example.com))", one.Reason);
        Assert.Equal(GateVerdict.Failed, samePersonTwice.Verdict);
        Assert.Equal(GateVerdict.Failed, withTheRequester.Verdict);
        Assert.Equal(GateVerdict.Waived, two.Verdict);
        Assert.Equal("Waived by rm2@example.com and both@example.com: Snapshot taken by hand", two.Reason);
    }

    [Fact]
    public void StageGate_PassesTheFourEyesRuleToEveryItem()
    {
        var gate = new QualityGate { Items = [Backup] };

        var result = StageGate.Evaluate(Default, gate, Waivers("rm2@example.com"), People, At, null, new FourEyes(Requester, WaiverQuorum: 2));

        Assert.Equal(GateVerdict.Pending, Assert.Single(result.Items).Verdict);
    }

    [Fact]
    public void ApprovalQuorum_OnePersonHoldingBothRoles_CannotApproveAloneButTwoPeopleCan()
    {
        var rule = Default.Approvals[ApprovalStageKeys.Emergency];
        Assert.Equal([PolicyRoles.ReleaseManager, PolicyRoles.TechnicalLead], rule.RequiredRoles);

        var alone = ApprovalQuorum.Evaluate(ApprovalStageKeys.Emergency, rule, People, Requester,
            [Decision("both@example.com", true, ApprovalStageKeys.Emergency), Decision("both@example.com", true, ApprovalStageKeys.Emergency)]);
        var withALead = ApprovalQuorum.Evaluate(ApprovalStageKeys.Emergency, rule, People, Requester,
            [Decision("both@example.com", true, ApprovalStageKeys.Emergency), Decision("lead@example.com", true, ApprovalStageKeys.Emergency)]);

        Assert.Equal(ApprovalStatus.Pending, alone.Status);
        Assert.Single(alone.ApprovedRoles);
        Assert.Single(alone.MissingRoles);
        Assert.Equal(DecisionOutcome.Duplicate, alone.Last!.Outcome);
        Assert.Equal(ApprovalStatus.Approved, withALead.Status);
        Assert.Equal([PolicyRoles.ReleaseManager, PolicyRoles.TechnicalLead], withALead.ApprovedRoles);
    }

    [Fact]
    public void ApprovalQuorum_RolesGoToPeopleByTheBestMatch_WhateverTheOrderOfApprovals()
    {
        // both@ approves first; lead@ holds only technical-lead: both@ must then count as release manager.
        var rule = Default.Approvals[ApprovalStageKeys.Emergency];
        var leadFirst = ApprovalQuorum.Evaluate(ApprovalStageKeys.Emergency, rule, People, null,
            [Decision("lead@example.com", true, ApprovalStageKeys.Emergency), Decision("both@example.com", true, ApprovalStageKeys.Emergency)]);
        var twoManagers = ApprovalQuorum.Evaluate(ApprovalStageKeys.Emergency, rule, People, null,
            [Decision("rm2@example.com", true, ApprovalStageKeys.Emergency), Decision(Requester, true, ApprovalStageKeys.Emergency)]);

        Assert.Equal(ApprovalStatus.Approved, leadFirst.Status);
        Assert.Equal(ApprovalStatus.Approved, twoManagers.Status);
    }

    [Fact]
    public void ApprovalQuorum_RequesterHoldingTheRoles_IsRefusedUnlessTheRuleAllows()
    {
        var rule = Default.Approvals[ApprovalStageKeys.Emergency];

        var refused = ApprovalQuorum.Evaluate(ApprovalStageKeys.Emergency, rule, People, Requester, [Decision(Requester, true, ApprovalStageKeys.Emergency)]);

        Assert.Equal(DecisionOutcome.Refused, refused.Last!.Outcome);
        Assert.Contains("requested this release", refused.Last.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WaiverQuorumBelowOne_IsAnError()
    {
        var policy = Default with
        {
            RiskMatrix = Default.RiskMatrix with
            {
                Mitigations = Default.RiskMatrix.Mitigations.ToDictionary(m => m.Key, m => m.Key == RiskRating.Low ? m.Value with { WaiverQuorum = 0 } : m.Value),
            },
        };

        var errors = PolicyFileValidator.Validate(policy);

        Assert.Contains(errors, e => e.ToString().Contains("riskMatrix.mitigations.Low.waiverQuorum", StringComparison.Ordinal));
    }

    [Fact]
    public void Defaults_WaiverQuorumIsTwoAtHighAndOneElsewhere()
    {
        Assert.Equal(2, Default.RiskMatrix.Mitigations[RiskRating.High].WaiverQuorum);
        Assert.Equal(1, Default.RiskMatrix.Mitigations[RiskRating.Medium].WaiverQuorum);
        Assert.Equal(1, Default.RiskMatrix.Mitigations[RiskRating.Low].WaiverQuorum);
    }
}
