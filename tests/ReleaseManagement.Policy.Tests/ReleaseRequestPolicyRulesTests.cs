using ReleaseManagement.Releases;
using static ReleaseManagement.Policy.Tests.TestPolicies;

namespace ReleaseManagement.Policy.Tests;

public class ReleaseRequestPolicyRulesTests
{
    /// <summary>Friday 2026-11-27, 10:00 in New York.</summary>
    private static readonly DateTimeOffset Now = NewYorkTime(2026, 11, 27, 10);

    private static ReleaseRequest Request(ReleaseType type, DateOnly target, string[]? systems = null, string? requestedBy = "dev@example.com") =>
        new("r-1", "A release", type, systems ?? ["Billing"], target, requestedBy);

    private static IReadOnlyDictionary<string, string[]> Errors(ReleasePolicy policy, ReleaseRequest request,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? releaseApprovers = null)
    {
        var result = ReleaseRequestPolicyRules.Validate(policy, request, Now, releaseApprovers);
        Assert.Equal(result.Errors.Count == 0, result.IsValid);
        return result.Errors;
    }

    [Theory]
    [InlineData(ReleaseType.Major, "2027-02-25")] // 90 days, a Thursday
    [InlineData(ReleaseType.Minor, "2026-12-29")] // 32 days, a Tuesday
    [InlineData(ReleaseType.Patch, "2026-12-08")] // 11 days, a Tuesday
    [InlineData(ReleaseType.Hotfix, "2026-11-27")] // today, no window needed
    [InlineData(ReleaseType.Hotfix, "2026-11-28")] // tomorrow, a Saturday
    public void Validate_RequestWithinEveryRule_IsValid(ReleaseType type, string target)
    {
        var request = Request(type, DateOnly.Parse(target));

        var result = ReleaseRequestPolicyRules.Validate(WithApprovers(), request, Now);

        Assert.True(result.IsValid, string.Join("; ", result.Errors.SelectMany(e => e.Value)));
        Assert.Same(request, result.Value);
    }

    [Fact]
    public void Validate_MajorTwoWeeksOut_IsRefusedWithTheHorizon()
    {
        var errors = Errors(WithApprovers(), Request(ReleaseType.Major, new DateOnly(2026, 12, 10)));

        Assert.Equal(["targetDate"], errors.Keys);
        Assert.Equal(
            "A Major release must be planned at least 90 days ahead: 2026-12-10 is 13 days away (the earliest allowed target date is 2027-02-25).",
            errors["targetDate"].Single());
    }

    [Fact]
    public void Validate_MajorMoreThanSixMonthsOut_IsRefused()
    {
        var errors = Errors(WithApprovers(), Request(ReleaseType.Major, new DateOnly(2027, 6, 1)));

        Assert.StartsWith("A Major release may be planned at most 184 days ahead: 2027-06-01 is 186 days away", errors["targetDate"].Single());
    }

    [Fact]
    public void Validate_HotfixTwoDaysOut_IsRefused()
    {
        var errors = Errors(WithApprovers(), Request(ReleaseType.Hotfix, new DateOnly(2026, 11, 29)));

        Assert.Equal(
            "A Hotfix release may be planned at most 1 day ahead: 2026-11-29 is 2 days away (the latest allowed target date is 2026-11-28).",
            errors["targetDate"].Single());
    }

    [Fact]
    public void Validate_TodayIsReckonedInThePolicyTimeZone()
    {
        // 23:30 in New York on Friday is already Saturday in UTC; tomorrow for the hotfix is still Saturday.
        var lateFriday = NewYorkTime(2026, 11, 27, 23, 30);

        var result = ReleaseRequestPolicyRules.Validate(WithApprovers(), Request(ReleaseType.Hotfix, new DateOnly(2026, 11, 28)), lateFriday);

        Assert.True(result.IsValid);
        Assert.False(ReleaseRequestPolicyRules.Validate(WithApprovers(), Request(ReleaseType.Hotfix, new DateOnly(2026, 11, 29)), lateFriday).IsValid);
    }

    [Fact]
    public void Validate_UnknownSystem_IsRefusedNamingTheKnownOnes()
    {
        var errors = Errors(WithApprovers(), Request(ReleaseType.Hotfix, new DateOnly(2026, 11, 27), ["billing", "Payroll"]));

        Assert.Equal(["systems[1]"], errors.Keys);
        Assert.Equal("'Payroll' is not a known system: use one of Billing, Customer Sites, Forecasting, Integration.", errors["systems[1]"].Single());
    }

    [Fact]
    public void Validate_NoApproversConfigured_ReportsEveryRoleWithItsStages()
    {
        var errors = Errors(Default, Request(ReleaseType.Minor, new DateOnly(2026, 12, 29)));

        Assert.Equal(
            ["approvers.product-owner", "approvers.qa-lead", "approvers.release-manager", "approvers.stakeholder", "approvers.technical-lead"],
            errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(
            "Role 'technical-lead' must approve stages 'plan', 'promotion:integration', but nobody is configured for it (policy approvers, the release's systems, or the release).",
            errors["approvers.technical-lead"].Single());
    }

    [Fact]
    public void Validate_HotfixApprovers_AreOnlyTheEmergencyStageRoles()
    {
        var errors = Errors(Default, Request(ReleaseType.Hotfix, new DateOnly(2026, 11, 27)));

        Assert.Equal(["approvers.release-manager", "approvers.technical-lead"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("'emergency'", errors["approvers.release-manager"].Single());
    }

    [Fact]
    public void Validate_RequesterIsTheOnlyApproverOfARole_IsRefused()
    {
        var policy = WithApprovers();
        policy = policy with
        {
            Approvers = new Dictionary<string, IReadOnlyList<string>>(policy.Approvers) { [PolicyRoles.TechnicalLead] = ["dev@example.com"] },
        };

        var errors = Errors(policy, Request(ReleaseType.Patch, new DateOnly(2026, 12, 8)));

        Assert.Equal(["approvers.technical-lead"], errors.Keys);
        Assert.Contains("its only approver is the requester (dev@example.com)", errors["approvers.technical-lead"].Single());
    }

    [Fact]
    public void Validate_ApproversFromTheSystem_Count()
    {
        var policy = WithApprovers();
        var approvers = new Dictionary<string, IReadOnlyList<string>>(policy.Approvers);
        approvers.Remove(PolicyRoles.TechnicalLead);
        var systems = new Dictionary<string, SystemPolicy>(policy.Systems)
        {
            ["Billing"] = policy.Systems["Billing"] with
            {
                Approvers = new Dictionary<string, IReadOnlyList<string>> { [PolicyRoles.TechnicalLead] = ["billing-lead@example.com"] },
            },
        };
        policy = policy with { Approvers = approvers, Systems = systems };

        Assert.Empty(Errors(policy, Request(ReleaseType.Patch, new DateOnly(2026, 12, 8), ["Billing"])));
        Assert.Equal(["approvers.technical-lead"], Errors(policy, Request(ReleaseType.Patch, new DateOnly(2026, 12, 8), ["Forecasting"])).Keys);
    }

    [Fact]
    public void Validate_ApproversNamedForTheRelease_Count()
    {
        var releaseApprovers = new Dictionary<string, IReadOnlyList<string>>
        {
            [PolicyRoles.TechnicalLead] = ["lead@example.com"],
            [PolicyRoles.ReleaseManager] = ["rm@example.com"],
        };

        Assert.Empty(Errors(Default with { Access = new() { RequestMayNameApprovers = true } }, Request(ReleaseType.Hotfix, new DateOnly(2026, 11, 27)), releaseApprovers));
    }

    [Fact]
    public void Validate_ApproversNamedOutsideTheDirectoryByDefault_AreRefusedNamingRoleAndPeople()
    {
        var policy = Default with { Approvers = new Dictionary<string, IReadOnlyList<string>> { [PolicyRoles.TechnicalLead] = ["lead@example.com", "lead2@example.com"], [PolicyRoles.ReleaseManager] = ["rm@example.com"] } };
        var narrowing = new Dictionary<string, IReadOnlyList<string>> { [PolicyRoles.TechnicalLead] = ["LEAD2@example.com"] };
        var adding = new Dictionary<string, IReadOnlyList<string>> { [PolicyRoles.TechnicalLead] = ["lead@example.com", "mallory@example.com"] };

        Assert.Empty(Errors(policy, Request(ReleaseType.Hotfix, new DateOnly(2026, 11, 27)), narrowing));
        var errors = Errors(policy, Request(ReleaseType.Hotfix, new DateOnly(2026, 11, 27)), adding);
        Assert.Equal(["approvers.technical-lead"], errors.Keys);
        Assert.StartsWith("mallory@example.com does not hold role 'technical-lead'", errors["approvers.technical-lead"].Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_QuorumAnyWithOneRoleStaffed_IsEnough()
    {
        var policy = Default with
        {
            Approvals = new Dictionary<string, ApprovalRule>(Default.Approvals)
            {
                [ApprovalStageKeys.Emergency] = Default.Approvals[ApprovalStageKeys.Emergency] with { Quorum = Quorum.Any },
            },
            Approvers = new Dictionary<string, IReadOnlyList<string>> { [PolicyRoles.ReleaseManager] = ["rm@example.com"] },
        };

        Assert.Empty(Errors(policy, Request(ReleaseType.Hotfix, new DateOnly(2026, 11, 27))));
    }

    [Fact]
    public void Validate_TargetDateWithoutAWindow_ReportsTheNextWindow()
    {
        var errors = Errors(WithApprovers(), Request(ReleaseType.Minor, new DateOnly(2026, 12, 30)));

        Assert.Equal(
            "2026-12-30 (Wednesday) has no open production release window; the next window opens 2026-12-31 20:00 (Thursday) America/New_York (target date 2026-12-31).",
            errors["targetDate"].Single());
    }

    [Fact]
    public void Validate_TargetDateInABlackout_SaysSoAndReportsTheNextWindow()
    {
        var policy = WithApprovers() with
        {
            ReleaseWindows = Default.ReleaseWindows with
            {
                Blackouts = [new() { From = new(2026, 12, 21), To = new(2027, 1, 3), Reason = "Year-end freeze" }],
            },
        };

        var errors = Errors(policy, Request(ReleaseType.Minor, new DateOnly(2026, 12, 29)));

        Assert.Equal(
            "2026-12-29 falls in the blackout 2026-12-21 to 2027-01-03 (Year-end freeze); the next window opens 2027-01-05 20:00 (Tuesday) America/New_York (target date 2027-01-05).",
            errors["targetDate"].Single());
    }

    [Fact]
    public void Validate_TodaysWindowAlreadyClosed_IsRefused()
    {
        var policy = WithApprovers() with
        {
            ReleaseTypes = new Dictionary<ReleaseType, ReleaseTypePolicy>(Default.ReleaseTypes)
            {
                [ReleaseType.Patch] = Default.ReleaseTypes[ReleaseType.Patch] with { PlanningHorizon = new() { MinLeadTime = TimeSpan.Zero, MaxLeadTime = TimeSpan.FromDays(14) } },
            },
        };
        policy = policy with
        {
            ReleaseWindows = policy.ReleaseWindows with
            {
                Weekly = [.. policy.ReleaseWindows.Weekly.Select(w => w with { Duration = TimeSpan.FromHours(2) })],
            },
        };

        var open = ReleaseRequestPolicyRules.Validate(policy, Request(ReleaseType.Patch, new DateOnly(2026, 12, 1)), NewYorkTime(2026, 12, 1, 21, 59));
        var closed = ReleaseRequestPolicyRules.Validate(policy, Request(ReleaseType.Patch, new DateOnly(2026, 12, 1)), NewYorkTime(2026, 12, 1, 22));

        Assert.True(open.IsValid);
        Assert.Contains("the next window opens 2026-12-03 20:00 (Thursday)", closed.Errors["targetDate"].Single());
    }

    [Fact]
    public void Validate_SeveralProblems_AreAllReported()
    {
        var errors = Errors(Default, Request(ReleaseType.Major, new DateOnly(2026, 12, 9), ["Billing", "Payroll"]));

        Assert.Contains("systems[1]", errors.Keys);
        Assert.Contains("approvers.executive", errors.Keys);
        Assert.Equal(2, errors["targetDate"].Length); // the horizon and the window (2026-12-09 is a Wednesday)
    }
}

public class ApproverDirectoryTests
{
    [Fact]
    public void Resolve_PolicySystemAndRelease_CombineAsDocumented()
    {
        var policy = Default with
        {
            Approvers = new Dictionary<string, IReadOnlyList<string>> { ["technical-lead"] = ["a@example.com"], ["qa-lead"] = ["q@example.com"] },
            Systems = new Dictionary<string, SystemPolicy>(Default.Systems)
            {
                ["Billing"] = Default.Systems["Billing"] with
                {
                    Approvers = new Dictionary<string, IReadOnlyList<string>> { ["technical-lead"] = ["b@example.com", "A@example.com"] },
                },
            },
        };
        var release = new Dictionary<string, IReadOnlyList<string>> { ["qa-lead"] = ["r@example.com"] };

        var resolved = ApproverDirectory.Resolve(policy, ["billing"], release);

        Assert.Equal(["a@example.com", "b@example.com"], resolved["technical-lead"]);
        Assert.Equal(["r@example.com"], resolved["qa-lead"]);
    }

    [Fact]
    public void RolesOf_PersonInSomeRoles_ListsOnlyThoseRequired()
    {
        var approvers = new Dictionary<string, IReadOnlyList<string>> { ["x"] = ["p@example.com"], ["y"] = ["p@example.com"], ["z"] = [] };

        Assert.Equal(["y"], ApproverDirectory.RolesOf(approvers, ["y", "z"], " P@example.com "));
    }
}
