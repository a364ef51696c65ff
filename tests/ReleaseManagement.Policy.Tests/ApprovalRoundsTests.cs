using ReleaseManagement.Approvals;

namespace ReleaseManagement.Policy.Tests;

/// <summary>Who an approval round goes to and when the stage wakes, without an orchestration.</summary>
public sealed class ApprovalRoundsTests
{
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> People = new Dictionary<string, IReadOnlyList<string>>
    {
        [PolicyRoles.ProductOwner] = ["po@example.com", "po2@example.com"],
        [PolicyRoles.TechnicalLead] = ["lead@example.com", "Requester@example.com"],
        [PolicyRoles.ReleaseManager] = ["rm@example.com"],
    };

    private static ApprovalRule Rule(TimeSpan? reminderBefore = null, TimeoutOutcome onTimeout = TimeoutOutcome.EscalateThenReject, bool requesterMayApprove = false) => new()
    {
        RequiredRoles = [PolicyRoles.ProductOwner, PolicyRoles.TechnicalLead],
        Quorum = Quorum.All,
        Timeout = TimeSpan.FromHours(48),
        ReminderBefore = reminderBefore ?? TimeSpan.FromHours(24),
        EscalationContacts = [PolicyRoles.ReleaseManager, "cto@example.com"],
        OnTimeout = onTimeout,
        EscalationTimeout = TimeSpan.FromHours(24),
        RequesterMayApprove = requesterMayApprove,
    };

    [Fact]
    public void Approvers_RequesterHoldsARole_IsLeftOutUnlessTheRuleAllowsIt()
    {
        var asked = ReleaseContacts.Approvers(People, [PolicyRoles.TechnicalLead], Rule(), "requester@example.com");
        var allowed = ReleaseContacts.Approvers(People, [PolicyRoles.TechnicalLead], Rule(requesterMayApprove: true), "requester@example.com");

        Assert.Equal([new ApproverRef("lead@example.com", PolicyRoles.TechnicalLead)], asked);
        Assert.Equal(2, allowed.Count);
    }

    [Fact]
    public void ReminderRecipients_OnlyThoseOfMissingRolesWhoHaveNotAnswered()
    {
        var reminded = ApprovalRounds.ReminderRecipients(People, Rule(), "requester@example.com", [PolicyRoles.ProductOwner], ["PO@example.com"]);

        Assert.Equal([new ApproverRef("po2@example.com", PolicyRoles.ProductOwner)], reminded);
    }

    [Fact]
    public void EscalationRecipients_ContactsResolvedThenTheMissingRolesPeople_EachOnce()
    {
        var escalated = ApprovalRounds.EscalationRecipients(People, Rule(), "requester@example.com", [PolicyRoles.ProductOwner, PolicyRoles.ReleaseManager]);

        Assert.Equal(["rm@example.com", "cto@example.com", "po@example.com", "po2@example.com"], escalated.Select(r => r.Email));
        Assert.Equal("escalation", escalated[0].Role);
    }

    [Fact]
    public void NextWake_ReminderStillDue_WakesAtTheReminderElseAtTheDeadline()
    {
        var deadline = new DateTimeOffset(2027, 1, 10, 12, 0, 0, TimeSpan.Zero);

        Assert.Equal(deadline.AddHours(-24), ApprovalRounds.NextWake(Rule(), deadline, reminderDue: true));
        Assert.Equal(deadline, ApprovalRounds.NextWake(Rule(), deadline, reminderDue: false));
    }

    [Theory]
    [InlineData(24, true)]
    [InlineData(0, false)]
    [InlineData(48, false)]
    [InlineData(72, false)]
    public void RemindsBeforeDeadline_OnlyWhenTheReminderFallsInsideTheTimeout(int hoursBefore, bool reminds) =>
        Assert.Equal(reminds, ApprovalRounds.RemindsBeforeDeadline(Rule(TimeSpan.FromHours(hoursBefore))));

    [Fact]
    public void EscalatesAtDeadline_OnceAndOnlyWhenTheRuleSaysSo()
    {
        Assert.True(ApprovalRounds.EscalatesAtDeadline(Rule(), escalated: false));
        Assert.False(ApprovalRounds.EscalatesAtDeadline(Rule(), escalated: true));
        Assert.False(ApprovalRounds.EscalatesAtDeadline(Rule(onTimeout: TimeoutOutcome.Reject), escalated: false));
    }

    [Fact]
    public void Resolve_RolesAndAddresses_ToPeopleOnceEach()
    {
        var people = ReleaseContacts.Resolve(People, [PolicyRoles.ReleaseManager, "RM@example.com", "nobody-role", "ops@example.com"]);

        Assert.Equal(["rm@example.com", "ops@example.com"], people);
    }

    [Fact]
    public void EmergencyReviewSchedule_RemindsBeforeDueAndGivesUpOneDueAfterLater()
    {
        var deployedAt = new DateTimeOffset(2027, 1, 4, 9, 0, 0, TimeSpan.Zero);

        var schedule = EmergencyReviewSchedule.For(TestPolicies.Default.EmergencyReview, deployedAt);

        Assert.Equal(new EmergencyReviewSchedule(deployedAt.AddDays(4), deployedAt.AddDays(5), deployedAt.AddDays(10)), schedule);
    }

    [Fact]
    public void ApprovalPlan_RiskWithExtraRoles_AddsThemToTheTypesRolesOnce()
    {
        var policy = TestPolicies.Default;
        var high = RiskEvaluator.Assess(policy.RiskMatrix, RiskRating.High, RiskRating.High);
        var low = RiskEvaluator.Assess(policy.RiskMatrix, RiskRating.Low, RiskRating.Low);
        var minor = new Releases.ReleaseRequest("m", "Minor", Releases.ReleaseType.Minor, ["Billing"], new DateOnly(2027, 3, 2));

        Assert.Equal([PolicyRoles.ProductOwner, PolicyRoles.TechnicalLead, PolicyRoles.ReleaseManager], ApprovalPlan.For(policy, minor, high, null).Plan.RequiredRoles);
        Assert.Equal([PolicyRoles.ProductOwner, PolicyRoles.TechnicalLead], ApprovalPlan.For(policy, minor, low, null).Plan.RequiredRoles);
        Assert.Equal([PolicyRoles.ProductOwner, PolicyRoles.TechnicalLead, PolicyRoles.ReleaseManager], ApprovalPlan.For(policy, minor, high, [PolicyRoles.ReleaseManager]).Plan.RequiredRoles);
    }
}
