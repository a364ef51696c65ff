using ReleaseManagement.Approvals;
using ReleaseFunctions.TestSupport;
using static ReleaseManagement.Policy.Tests.TestPolicies;

namespace ReleaseManagement.Policy.Tests;

/// <summary>Delegation while away (issue 24, point 5): who may delegate what to whom, when a delegation counts, and the quorum with a delegate.</summary>
public class DelegationsTests
{
    private static readonly DateTimeOffset Now = new(2031, 3, 10, 9, 0, 0, TimeSpan.Zero);

    /// <summary>lead holds technical-lead; lead2 holds it too; po holds product-owner; qa holds qa-lead only; sys holds technical-lead for one system.</summary>
    private static ReleasePolicy Policy(DelegateEligibility eligible = DelegateEligibility.RoleHolders, int maxDays = 30)
    {
        var policy = WithApprovers();
        return policy with
        {
            Approvers = new Dictionary<string, IReadOnlyList<string>>(policy.Approvers)
            {
                [PolicyRoles.TechnicalLead] = ["lead@example.com", "lead2@example.com"],
            },
            Systems = new Dictionary<string, SystemPolicy>(policy.Systems)
            {
                ["Billing"] = policy.Systems["Billing"] with
                {
                    Approvers = new Dictionary<string, IReadOnlyList<string>> { [PolicyRoles.TechnicalLead] = ["sys@example.com"] },
                },
            },
            Delegation = new DelegationPolicy { Eligible = eligible, MaxDays = maxDays },
        };
    }

    private static IReadOnlyDictionary<string, string[]> Check(
        ReleasePolicy policy, string owner, string to, string[]? roles = null, DateTimeOffset? from = null, DateTimeOffset? until = null) =>
        Delegations.Check(policy, owner, to, roles ?? [], from ?? Now, until ?? Now.AddDays(7), Now);

    private static Delegation Made(
        string owner, string to, string[]? roles = null, DateTimeOffset? from = null, DateTimeOffset? until = null, DateTimeOffset? cancelledAt = null, string id = "d1") =>
        new(id, owner, to, roles ?? [], from ?? Now.AddHours(-1), until ?? Now.AddDays(7), "Away", Now.AddHours(-2), cancelledAt);

    [Fact]
    public void Check_RoleHolderForAHeldRoleWithinMaxDays_HasNoError() =>
        Assert.Empty(Check(Policy(), "lead@example.com", "lead2@example.com", [PolicyRoles.TechnicalLead]));

    [Fact]
    public void Check_RoleHoldersPolicyAndDelegateWithoutTheRole_IsRefusedOnTo()
    {
        var errors = Check(Policy(), "lead@example.com", "qa@example.com", [PolicyRoles.TechnicalLead]);

        Assert.Equal(["to"], errors.Keys);
        Assert.Contains("does not hold technical-lead", errors["to"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void Check_DirectoryPolicyAndDelegateInTheDirectory_HasNoError() =>
        Assert.Empty(Check(Policy(DelegateEligibility.Directory), "lead@example.com", "qa@example.com", [PolicyRoles.TechnicalLead]));

    [Fact]
    public void Check_DelegateOutsideTheDirectory_IsAnUnknownDelegate()
    {
        foreach (var eligible in new[] { DelegateEligibility.Directory, DelegateEligibility.RoleHolders })
        {
            var errors = Check(Policy(eligible), "lead@example.com", "stranger@example.com");

            Assert.Contains("is not in the policy's directory", Assert.Single(errors["to"]), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Check_RoleTheOwnerDoesNotHold_IsRefusedOnRoles()
    {
        var errors = Check(Policy(DelegateEligibility.Directory), "lead@example.com", "qa@example.com", [PolicyRoles.ProductOwner]);

        Assert.Contains("does not hold the role 'product-owner'", Assert.Single(errors["roles"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_SystemApproverDelegatingTheSystemRole_IsAllowed() =>
        Assert.Empty(Check(Policy(), "sys@example.com", "lead@example.com", [PolicyRoles.TechnicalLead]));

    [Fact]
    public void Check_AllRolesUnderRoleHolders_NeedsTheDelegateToHoldEveryRoleOfTheOwner()
    {
        var policy = Policy() with
        {
            Approvers = new Dictionary<string, IReadOnlyList<string>>(Policy().Approvers) { [PolicyRoles.QaLead] = ["qa@example.com", "lead@example.com"] },
        };

        var lacking = Check(policy, "lead@example.com", "lead2@example.com");
        var holding = Check(policy, "lead@example.com", "lead2@example.com", [PolicyRoles.TechnicalLead]);

        Assert.Contains("does not hold qa-lead", Assert.Single(lacking["to"]), StringComparison.Ordinal);
        Assert.Empty(holding);
    }

    [Fact]
    public void Check_PeriodLongerThanMaxDays_IsRefusedOnUntil()
    {
        var errors = Check(Policy(maxDays: 14), "lead@example.com", "lead2@example.com", until: Now.AddDays(15));

        Assert.Contains("at most 14 days", Assert.Single(errors["until"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_PeriodEndingBeforeItStarts_IsRefusedOnUntil() =>
        Assert.Contains("before it starts", Assert.Single(Check(Policy(), "lead@example.com", "lead2@example.com", until: Now.AddHours(-1))["until"]), StringComparison.Ordinal);

    [Fact]
    public void Check_PeriodStartingInThePast_IsRefusedOnFrom() =>
        Assert.Single(Check(Policy(), "lead@example.com", "lead2@example.com", from: Now.AddDays(-1), until: Now.AddDays(2))["from"]);

    [Fact]
    public void Check_ToOneself_IsRefused() =>
        Assert.Equal("A person cannot delegate to themselves.", Assert.Single(Check(Policy(), "lead@example.com", "LEAD@example.com")["to"]));

    [Fact]
    public void Check_RoleReceivedOnlyByDelegation_CannotBePassedOn()
    {
        // qa holds only qa-lead: a delegation of technical-lead received from lead gives qa nothing to pass on (no chain).
        var errors = Check(Policy(DelegateEligibility.Directory), "qa@example.com", "po@example.com", [PolicyRoles.TechnicalLead]);

        Assert.Contains("roles received by delegation are not passed on", Assert.Single(errors["roles"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Find_RunningDelegationFromTheOwner_IsFound() =>
        Assert.Equal("d1", Delegations.Find([Made("lead@example.com", "lead2@example.com")], "LEAD@example.com", "lead2@example.com", PolicyRoles.TechnicalLead, Now)?.Id);

    [Fact]
    public void Find_ExpiredNotStartedOrCancelled_IsNotFound()
    {
        var expired = Made("lead@example.com", "lead2@example.com", from: Now.AddDays(-8), until: Now.AddMinutes(-1));
        var notStarted = Made("lead@example.com", "lead2@example.com", from: Now.AddMinutes(1));
        var cancelled = Made("lead@example.com", "lead2@example.com", cancelledAt: Now.AddMinutes(-5));

        Assert.Null(Delegations.Find([expired, notStarted, cancelled], "lead@example.com", "lead2@example.com", null, Now));
        Assert.NotNull(Delegations.Find([cancelled], "lead@example.com", "lead2@example.com", null, Now.AddMinutes(-10)));
    }

    [Fact]
    public void Find_RoleNotDelegated_IsNotFound() =>
        Assert.Null(Delegations.Find([Made("lead@example.com", "lead2@example.com", [PolicyRoles.TechnicalLead])], "lead@example.com", "lead2@example.com", PolicyRoles.QaLead, Now));

    [Fact]
    public void Find_DelegationChain_DoesNotReachTheFirstOwner()
    {
        // lead -> lead2, lead2 -> po: po may decide for lead2, never for lead.
        var chain = new[] { Made("lead@example.com", "lead2@example.com", id: "a"), Made("lead2@example.com", "po@example.com", id: "b") };

        Assert.Null(Delegations.Find(chain, "lead@example.com", "po@example.com", null, Now));
        Assert.Equal("b", Delegations.Find(chain, "lead2@example.com", "po@example.com", null, Now)?.Id);
    }

    [Fact]
    public void FourEyesRefusal_DelegateOrOwnerIsTheRequester_IsRefused()
    {
        var fourEyes = new FourEyes("lead2@example.com");

        Assert.Contains("not even for", Delegations.FourEyesRefusal(fourEyes, "lead2@example.com", "lead@example.com"), StringComparison.Ordinal);
        Assert.Contains("nobody decides on it in their name", Delegations.FourEyesRefusal(fourEyes, "po@example.com", "lead2@example.com"), StringComparison.Ordinal);
        Assert.Null(Delegations.FourEyesRefusal(fourEyes, "po@example.com", "lead@example.com"));
        Assert.Null(Delegations.FourEyesRefusal(new FourEyes("lead2@example.com", RequesterMayAct: true), "lead2@example.com", "lead@example.com"));
    }

    [Fact]
    public void ForAsk_DelegateWhoRequestedTheRelease_IsNotAsked()
    {
        var delegations = new[] { Made("lead@example.com", "lead2@example.com") };

        Assert.Equal("d1", Delegations.ForAsk(delegations, "lead@example.com", PolicyRoles.TechnicalLead, Now, new FourEyes("po@example.com"))?.Id);
        Assert.Null(Delegations.ForAsk(delegations, "lead@example.com", PolicyRoles.TechnicalLead, Now, new FourEyes("lead2@example.com")));
        Assert.Null(Delegations.ForAsk(delegations, "lead@example.com", PolicyRoles.TechnicalLead, Now.AddDays(8), new FourEyes("po@example.com")));
    }

    [Fact]
    public void SameRequestAs_SameFieldsOtherCase_IsTheSameAndAnotherDelegateIsNot()
    {
        var d = Made("lead@example.com", "lead2@example.com", [PolicyRoles.TechnicalLead]);

        Assert.True(d.SameRequestAs(d with { Owner = "Lead@Example.com", CreatedAt = Now }));
        Assert.False(d.SameRequestAs(d with { Delegate = "po@example.com" }));
        Assert.False(d.SameRequestAs(d with { Roles = [] }));
    }

    [Fact]
    public async Task InMemoryStore_ListActiveAndCancel_CountsOnlyWhileItRuns()
    {
        var store = new InMemoryDelegationStore();
        var d = await store.AddAsync(Made("lead@example.com", "lead2@example.com"), TestContext.Current.CancellationToken);
        var again = await store.AddAsync(d with { Delegate = "po@example.com" }, TestContext.Current.CancellationToken);

        Assert.Equal("lead2@example.com", again.Delegate);
        Assert.Single(await store.ListByDelegateAsync("LEAD2@example.com", Now, TestContext.Current.CancellationToken));
        await store.CancelAsync("d1", Now, "lead@example.com", TestContext.Current.CancellationToken);
        Assert.Empty(await store.ListByDelegateAsync("lead2@example.com", Now, TestContext.Current.CancellationToken));
        Assert.Single(await store.ListByOwnerAsync("lead@example.com", cancellationToken: TestContext.Current.CancellationToken));
    }
}

/// <summary>The quorum with decisions a delegate took for an owner.</summary>
public class ApprovalQuorumDelegationTests
{
    private const string Stage = "plan";

    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> Approvers = new Dictionary<string, IReadOnlyList<string>>
    {
        ["product-owner"] = ["po@example.com"],
        ["technical-lead"] = ["lead@example.com", "req@example.com"],
        ["qa-lead"] = ["qa@example.com"],
    };

    private static ApprovalRule Rule(params string[] roles) => Default.Approvals[Stage] with { RequiredRoles = roles, Quorum = Quorum.All };

    private static ApprovalDecision For(string approver, string owner, IReadOnlyList<string>? roles = null, bool approved = true) =>
        Decision(approver, approved) with { OnBehalfOf = owner, DelegatedRoles = roles };

    private static ApprovalEvaluation Evaluate(ApprovalRule rule, params ApprovalDecision[] decisions) =>
        ApprovalQuorum.Evaluate(Stage, rule, Approvers, "req@example.com", decisions);

    [Fact]
    public void Evaluate_DelegateWithoutOwnRoleDecidingForTheOwner_CountsInTheOwnersRole()
    {
        var result = Evaluate(Rule("product-owner"), For("stand-in@example.com", "po@example.com"));

        Assert.Equal(ApprovalStatus.Approved, result.Status);
        Assert.Equal("Approved by stand-in@example.com for po@example.com.", result.Summary);
    }

    [Fact]
    public void Evaluate_WithoutOnBehalfOf_TheSameDelegateIsNotAnApprover() =>
        Assert.Equal(DecisionOutcome.Refused, Evaluate(Rule("product-owner"), Decision("stand-in@example.com", true)).Last!.Outcome);

    [Fact]
    public void Evaluate_DelegateHoldingOneRoleOfTwo_CannotFillTheSecondThroughDelegationAlone()
    {
        // qa holds qa-lead and decides for po (product-owner): one person, one role; the stage still waits for a second person.
        var result = Evaluate(Rule("product-owner", "qa-lead"), For("qa@example.com", "po@example.com"), Decision("qa@example.com", true));

        Assert.Equal(ApprovalStatus.Pending, result.Status);
        Assert.Single(result.ApprovedRoles);
        Assert.Equal(DecisionOutcome.Duplicate, result.Last!.Outcome);
    }

    [Fact]
    public void Evaluate_DelegateAndAnotherPerson_ApproveTwoRoles()
    {
        var result = Evaluate(Rule("product-owner", "qa-lead"), For("qa@example.com", "po@example.com"), Decision("lead@example.com", true), Decision("po@example.com", true));

        Assert.Equal(ApprovalStatus.Approved, result.Status);
        Assert.Equal(["product-owner", "qa-lead"], result.ApprovedRoles);
    }

    [Fact]
    public void Evaluate_DelegatedRolesExcludeTheStagesRole_IsRefused()
    {
        var result = Evaluate(Rule("product-owner"), For("stand-in@example.com", "po@example.com", ["technical-lead"]));

        Assert.Equal(DecisionOutcome.Refused, result.Last!.Outcome);
        Assert.Contains("stand-in@example.com for po@example.com is not an approver", result.Last.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_DecidingForTheRequester_IsRefused()
    {
        var result = Evaluate(Rule("technical-lead"), For("stand-in@example.com", "req@example.com"));

        Assert.Equal(ApprovalStatus.Pending, result.Status);
        Assert.Equal(DecisionOutcome.Refused, result.Last!.Outcome);
        Assert.Contains("nobody decides on it in their name", result.Last.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_RequesterDecidingForSomeone_IsRefused()
    {
        var result = Evaluate(Rule("product-owner"), For("req@example.com", "po@example.com"));

        Assert.Equal(DecisionOutcome.Refused, result.Last!.Outcome);
        Assert.Contains("requested this release", result.Last.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_RejectionByADelegate_NamesBoth()
    {
        var result = Evaluate(Rule("product-owner"), For("stand-in@example.com", "po@example.com", approved: false));

        Assert.Equal(ApprovalStatus.Rejected, result.Status);
        Assert.StartsWith("Rejected by stand-in@example.com for po@example.com", result.Summary, StringComparison.Ordinal);
    }
}
