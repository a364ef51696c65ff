using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using ReleaseManagement.Approvals;
using static ReleaseManagement.Policy.Tests.TestPolicies;

namespace ReleaseManagement.Policy.Tests;

public class ApprovalQuorumTests
{
    private const string Stage = "plan";
    private const string Requester = "req@example.com";

    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> Approvers = new Dictionary<string, IReadOnlyList<string>>
    {
        ["product-owner"] = ["po1@example.com", "po2@example.com"],
        ["technical-lead"] = ["tl1@example.com", "tl2@example.com", "req@example.com"],
        ["bystander-role"] = ["other@example.com"],
    };

    private static ApprovalRule Rule(Quorum quorum, bool requesterMayApprove = false) => Default.Approvals[Stage] with
    {
        RequiredRoles = ["product-owner", "technical-lead"],
        Quorum = quorum,
        RequesterMayApprove = requesterMayApprove,
    };

    private static ApprovalEvaluation Evaluate(Quorum quorum, params ApprovalDecision[] decisions) =>
        ApprovalQuorum.Evaluate(Stage, Rule(quorum), Approvers, Requester, decisions);

    [Fact]
    public void Evaluate_NoDecisions_IsPendingOnEveryRole()
    {
        var result = Evaluate(Quorum.All);

        Assert.Equal(ApprovalStatus.Pending, result.Status);
        Assert.Equal(["product-owner", "technical-lead"], result.MissingRoles);
        Assert.Null(result.Last);
        Assert.Equal("Awaiting approval from product-owner, technical-lead.", result.Summary);
    }

    [Fact]
    public void Evaluate_ApproverOutsideTheDirectory_CountsOnlyInARequiredRoleTheirSignInClaimsGranted()
    {
        var claimed = Decision("oncall@example.com", true) with { ClaimedRoles = ["technical-lead", "auditor"] };
        var unmapped = Decision("visitor@example.com", true) with { ClaimedRoles = ["auditor"] };

        var counted = Evaluate(Quorum.All, claimed);
        var refused = Evaluate(Quorum.All, unmapped);

        Assert.Equal(DecisionOutcome.Counted, counted.Last!.Outcome);
        Assert.Equal(["technical-lead"], counted.ApprovedRoles);
        Assert.Equal(DecisionOutcome.Refused, refused.Last!.Outcome);
        Assert.Equal(ApprovalStatus.Pending, Evaluate(Quorum.All, claimed with { ClaimedRoles = ["product-owner", "technical-lead"] }).Status);
    }

    [Fact]
    public void Evaluate_QuorumAllWithOneRoleApproved_IsPendingOnTheOther()
    {
        var result = Evaluate(Quorum.All, Decision("po1@example.com", true));

        Assert.Equal(ApprovalStatus.Pending, result.Status);
        Assert.Equal(["product-owner"], result.ApprovedRoles);
        Assert.Equal(["technical-lead"], result.MissingRoles);
        Assert.Equal(DecisionOutcome.Counted, result.Last!.Outcome);
    }

    [Fact]
    public void Evaluate_QuorumAllWithEveryRoleApproved_IsApproved()
    {
        var last = Decision("TL2@Example.com", true);
        var result = Evaluate(Quorum.All, Decision("po1@example.com", true), last);

        Assert.Equal(ApprovalStatus.Approved, result.Status);
        Assert.Empty(result.MissingRoles);
        Assert.Same(last, result.DecisiveDecision);
        Assert.Equal("Approved by po1@example.com, TL2@Example.com.", result.Summary);
    }

    [Fact]
    public void Evaluate_QuorumAllWithTwoApprovalsFromOneRole_StaysPending()
    {
        var result = Evaluate(Quorum.All, Decision("po1@example.com", true), Decision("po2@example.com", true));

        Assert.Equal(ApprovalStatus.Pending, result.Status);
        Assert.Equal(["technical-lead"], result.MissingRoles);
    }

    [Fact]
    public void Evaluate_QuorumAnyWithOneApproval_IsApproved()
    {
        var result = Evaluate(Quorum.Any, Decision("tl1@example.com", true));

        Assert.Equal(ApprovalStatus.Approved, result.Status);
        Assert.Empty(result.MissingRoles);
    }

    [Fact]
    public void Evaluate_OneRejection_RejectsEvenAfterApprovals()
    {
        var reject = Decision("tl1@example.com", false, comment: "Scope too large");
        var result = Evaluate(Quorum.All, Decision("po1@example.com", true), reject);

        Assert.Equal(ApprovalStatus.Rejected, result.Status);
        Assert.Same(reject, result.DecisiveDecision);
        Assert.Equal("Rejected by tl1@example.com: Scope too large", result.Summary);
    }

    [Fact]
    public void Evaluate_DecisionFromNonApprover_IsRefusedWithReason()
    {
        var result = Evaluate(Quorum.Any, Decision("other@example.com", true));

        Assert.Equal(ApprovalStatus.Pending, result.Status);
        Assert.Equal(DecisionOutcome.Refused, result.Last!.Outcome);
        Assert.Contains("other@example.com is not an approver for stage 'plan'", result.Last.Reason);
    }

    [Fact]
    public void Evaluate_RejectionFromNonApprover_DoesNotReject()
    {
        var result = Evaluate(Quorum.Any, Decision("mallory@example.com", false));

        Assert.Equal(ApprovalStatus.Pending, result.Status);
        Assert.Equal(DecisionOutcome.Refused, result.Last!.Outcome);
    }

    [Fact]
    public void Evaluate_DecisionFromTheRequester_IsRefusedEvenIfTheyHoldTheRole()
    {
        var result = Evaluate(Quorum.Any, Decision("Req@example.com", true));

        Assert.Equal(ApprovalStatus.Pending, result.Status);
        Assert.Equal(DecisionOutcome.Refused, result.Last!.Outcome);
        Assert.Contains("requested this release and may not decide on it", result.Last.Reason);
    }

    [Fact]
    public void Evaluate_RequesterWhenTheRuleAllowsIt_IsCounted()
    {
        var result = ApprovalQuorum.Evaluate(Stage, Rule(Quorum.Any, requesterMayApprove: true), Approvers, Requester, [Decision(Requester, true)]);

        Assert.Equal(ApprovalStatus.Approved, result.Status);
    }

    [Fact]
    public void Evaluate_DecisionForAnotherStage_IsRefused()
    {
        var result = Evaluate(Quorum.Any, Decision("tl1@example.com", true, stage: "promotion:staging"));

        Assert.Equal(ApprovalStatus.Pending, result.Status);
        Assert.Equal(DecisionOutcome.Refused, result.Last!.Outcome);
        Assert.Contains("'promotion:staging', not 'plan'", result.Last.Reason);
    }

    [Fact]
    public void Evaluate_SameDecisionIdTwice_IsADuplicate()
    {
        var d = Decision("po1@example.com", true, id: "d-1");
        var result = Evaluate(Quorum.All, d, d);

        Assert.Equal([DecisionOutcome.Counted, DecisionOutcome.Duplicate], result.Decisions.Select(r => r.Outcome));
        Assert.Equal(["product-owner"], result.ApprovedRoles);
    }

    [Fact]
    public void Evaluate_SamePersonChangingTheirMind_KeepsTheFirstDecision()
    {
        var result = Evaluate(Quorum.All, Decision("po1@example.com", true), Decision("PO1@example.com", false));

        Assert.Equal(ApprovalStatus.Pending, result.Status);
        Assert.Equal(DecisionOutcome.Duplicate, result.Last!.Outcome);
        Assert.Contains("already approved", result.Last.Reason);
    }

    [Fact]
    public void Evaluate_DecisionAfterTheStageClosed_IsReportedAndIgnored()
    {
        var result = Evaluate(Quorum.Any, Decision("po1@example.com", true), Decision("tl1@example.com", false));

        Assert.Equal(ApprovalStatus.Approved, result.Status);
        Assert.Equal(DecisionOutcome.StageClosed, result.Last!.Outcome);
    }

    [Fact]
    public void Evaluate_PersonHoldingBothRoles_CoversOneOnly()
    {
        // Issue 24, point 4 (four eyes): a quorum of several roles needs as many distinct people.
        var approvers = new Dictionary<string, IReadOnlyList<string>>
        {
            ["product-owner"] = ["both@example.com"],
            ["technical-lead"] = ["both@example.com"],
        };

        var result = ApprovalQuorum.Evaluate(Stage, Rule(Quorum.All), approvers, Requester, [Decision("both@example.com", true)]);

        Assert.Equal(ApprovalStatus.Pending, result.Status);
        Assert.Single(result.MissingRoles);
    }

    // ---- properties: any order of decisions ----

    private static readonly string[] People = ["po1@example.com", "po2@example.com", "tl1@example.com", "tl2@example.com", "req@example.com", "other@example.com"];

    private static Gen<ApprovalDecision> DecisionGen =>
        from person in Gen.Elements(People)
        from approved in Gen.Frequency((4, Gen.Constant(true)), (1, Gen.Constant(false)))
        from stage in Gen.Frequency((9, Gen.Constant(Stage)), (1, Gen.Constant("emergency")))
        from id in Gen.Choose(0, 40)
        select new ApprovalDecision($"d-{id}", stage, approved, person, null, DateTimeOffset.UnixEpoch);

    private static Arbitrary<(ApprovalDecision[] Decisions, int[] Order, Quorum Quorum)> Scenarios() =>
        (from decisions in DecisionGen.ArrayOf()
         from keys in Gen.Choose(0, 1000).ArrayOf(decisions.Length)
         from quorum in Gen.Elements(Quorum.All, Quorum.Any)
         select (decisions, keys, quorum)).ToArbitrary();

    /// <summary>A reference model written independently: walk the decisions, keep a set of covered roles, stop at the first verdict.</summary>
    private static ApprovalStatus Reference(IEnumerable<ApprovalDecision> decisions, Quorum quorum)
    {
        var ids = new HashSet<string>();
        var people = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var covered = new HashSet<string>();
        foreach (var d in decisions)
        {
            if (!ids.Add(d.DecisionId) || d.Stage != Stage || d.Approver == Requester)
            {
                continue;
            }

            var roles = new[] { "product-owner", "technical-lead" }.Where(r => Approvers[r].Contains(d.Approver)).ToList();
            if (roles.Count == 0 || !people.Add(d.Approver))
            {
                continue;
            }

            if (!d.Approved)
            {
                return ApprovalStatus.Rejected;
            }

            covered.UnionWith(roles);
            if (quorum == Quorum.Any || covered.Count == 2)
            {
                return ApprovalStatus.Approved;
            }
        }

        return ApprovalStatus.Pending;
    }

    [Property(MaxTest = 500)]
    public Property Evaluate_AnyOrderOfDecisions_AgreesWithTheReferenceModel() =>
        Prop.ForAll(Scenarios(), s =>
        {
            var shuffled = s.Decisions.Zip(s.Order).OrderBy(p => p.Second).Select(p => p.First).ToArray();
            var result = ApprovalQuorum.Evaluate(Stage, Rule(s.Quorum), Approvers, Requester, shuffled);
            return result.Status == Reference(shuffled, s.Quorum)
                && result.Decisions.Count == shuffled.Length
                && result.Decisions.Count(d => d.Outcome == DecisionOutcome.Counted && !d.Decision.Approved) <= 1;
        });

    [Property(MaxTest = 300)]
    public Property Evaluate_ApprovalsOnlyInAnyOrder_GiveTheSameStatus() =>
        Prop.ForAll(Scenarios(), s =>
        {
            // Distinct ids: which of two decisions sharing an id counts does depend on order.
            var approvals = s.Decisions.Select((d, i) => d with { Approved = true, DecisionId = $"a-{i}" }).ToArray();
            var shuffled = approvals.Zip(s.Order).OrderBy(p => p.Second).Select(p => p.First).ToArray();
            var a = ApprovalQuorum.Evaluate(Stage, Rule(s.Quorum), Approvers, Requester, approvals);
            var b = ApprovalQuorum.Evaluate(Stage, Rule(s.Quorum), Approvers, Requester, shuffled);
            return a.Status == b.Status && a.Status != ApprovalStatus.Rejected;
        });

    [Property(MaxTest = 300)]
    public Property Evaluate_RefusedAndDuplicateDecisionsAnywhere_ChangeNothing() =>
        Prop.ForAll(Scenarios(), s =>
        {
            var baseline = ApprovalQuorum.Evaluate(Stage, Rule(s.Quorum), Approvers, Requester, s.Decisions);
            var noisy = new List<ApprovalDecision>();
            for (var i = 0; i < s.Decisions.Length; i++)
            {
                noisy.Add(s.Decisions[i]);
                noisy.Add(s.Decisions[i]); // the same decision again (a retry)
                if (s.Order[i] % 2 == 0)
                {
                    noisy.Add(Decision("mallory@example.com", s.Order[i] % 4 == 0));
                    noisy.Add(Decision(Requester, false));
                }
            }

            var result = ApprovalQuorum.Evaluate(Stage, Rule(s.Quorum), Approvers, Requester, noisy);
            return result.Status == baseline.Status
                && result.ApprovedRoles.SequenceEqual(baseline.ApprovedRoles)
                && result.DecisiveDecision == baseline.DecisiveDecision;
        });

    [Property(MaxTest = 300)]
    public Property Evaluate_FirstCountedDecisionIsARejection_RejectsInAnyOrder() =>
        Prop.ForAll(Scenarios(), s =>
        {
            var rejection = new ApprovalDecision("reject-first", Stage, false, "tl2@example.com", "no", DateTimeOffset.UnixEpoch);
            var rest = s.Decisions.Where(d => d.DecisionId != rejection.DecisionId);
            var result = ApprovalQuorum.Evaluate(Stage, Rule(s.Quorum), Approvers, Requester, rest.Prepend(rejection));
            return result.Status == ApprovalStatus.Rejected && result.DecisiveDecision == rejection;
        });
}
