using ReleaseManagement.Releases;
using static ReleaseManagement.Policy.Tests.TestPolicies;

namespace ReleaseManagement.Policy.Tests;

public class ReleaseCadenceAndConflictTests
{
    private static readonly DateOnly Tuesday = new(2026, 12, 15);

    private static ReleaseRequest Request(string id, ReleaseType type, DateOnly target, params string[] systems) =>
        new(id, "Release " + id, type, systems.Length == 0 ? ["Billing"] : systems, target);

    private static ReleaseRecord Stored(string id, ReleaseType type, DateOnly target, ReleaseStatus status = ReleaseStatus.Active, string[]? systems = null) =>
        new(Request(id, type, target, systems ?? []), DateTimeOffset.UnixEpoch, ReleasePhase.Planning, status, null, DateTimeOffset.UnixEpoch);

    private static ReleasePolicy With(FrequencyRule frequency = FrequencyRule.Warn, ConflictRule conflicts = ConflictRule.Warn)
    {
        var policy = WithApprovers();
        return policy with
        {
            ReleaseTypes = policy.ReleaseTypes.ToDictionary(kv => kv.Key, kv => kv.Value with { FrequencyRule = frequency }),
            ReleaseWindows = policy.ReleaseWindows with { Conflicts = conflicts },
        };
    }

    [Theory]
    [InlineData("Quarterly", 3, 0)]
    [InlineData("Monthly", 1, 0)]
    [InlineData("Bi-weekly or as needed", 0, 14)]
    [InlineData("fortnightly", 0, 14)]
    [InlineData("Weekly", 0, 7)]
    [InlineData("Daily", 0, 1)]
    public void Parse_FrequencyWords_GiveTheirPeriod(string words, int months, int days) =>
        Assert.Equal(new ReleaseCadence(months, days), ReleaseCadence.Parse(words));

    [Theory]
    [InlineData("Emergency basis")]
    [InlineData("")]
    [InlineData("whenever")]
    public void Parse_OtherWords_GiveNoCadence(string words) => Assert.Null(ReleaseCadence.Parse(words));

    [Fact]
    public void Of_DefaultPolicy_ReadsEachTypesFrequency()
    {
        Assert.Equal(new ReleaseCadence(3, 0), ReleaseCadence.Of(Default, ReleaseType.Major));
        Assert.Equal(new ReleaseCadence(1, 0), ReleaseCadence.Of(Default, ReleaseType.Minor));
        Assert.Equal(new ReleaseCadence(0, 14), ReleaseCadence.Of(Default, ReleaseType.Patch));
        Assert.Null(ReleaseCadence.Of(Default, ReleaseType.Hotfix));
    }

    [Theory]
    [InlineData(3, 0, "2026-01-15", "2026-04-14", true)]
    [InlineData(3, 0, "2026-01-15", "2026-04-15", false)]
    [InlineData(1, 0, "2026-01-31", "2026-02-27", true)]
    [InlineData(1, 0, "2026-01-31", "2026-02-28", false)]
    [InlineData(0, 14, "2026-12-01", "2026-12-14", true)]
    [InlineData(0, 14, "2026-12-01", "2026-12-15", false)]
    [InlineData(0, 1, "2026-12-01", "2026-12-01", true)]
    [InlineData(0, 1, "2026-12-01", "2026-12-02", false)]
    public void Collides_AtThePeriodBoundary_OnlyInsideAndSymmetric(int months, int days, string a, string b, bool collides)
    {
        var cadence = new ReleaseCadence(months, days);
        var (first, second) = (DateOnly.Parse(a, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(b, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(collides, cadence.Collides(first, second));
        Assert.Equal(collides, cadence.Collides(second, first));
        var (from, to) = cadence.CollisionRange(first);
        Assert.Equal(collides, second >= from && second <= to);
    }

    [Theory]
    [InlineData(ReleaseType.Major, 89, true)]
    [InlineData(ReleaseType.Major, 91, false)]
    [InlineData(ReleaseType.Minor, 28, true)]
    [InlineData(ReleaseType.Minor, 35, false)]
    [InlineData(ReleaseType.Patch, 7, true)]
    [InlineData(ReleaseType.Patch, 14, false)]
    public void Check_AnotherReleaseOfTheTypeForTheSystem_IsOverTheCadenceOnlyWithinThePeriod(ReleaseType type, int daysBefore, bool over)
    {
        var check = ReleaseAdmission.Check(With(), Request("new", type, Tuesday), [Stored("old", type, Tuesday.AddDays(-daysBefore))]);

        Assert.Equal(over, check.CadenceCollisions.Count > 0);
        Assert.False(check.Refused);
        Assert.Equal(over, check.Warnings(DateTimeOffset.UnixEpoch).Any(w => w.Code == AdmissionWarnings.OverCadence));
    }

    [Fact]
    public void Check_Hotfix_HasNoCadenceLimit()
    {
        var check = ReleaseAdmission.Check(With(FrequencyRule.Refuse), Request("fix2", ReleaseType.Hotfix, Tuesday),
            [Stored("fix1", ReleaseType.Hotfix, Tuesday.AddDays(-1)), Stored("fix0", ReleaseType.Hotfix, Tuesday.AddDays(-3), ReleaseStatus.Completed)]);

        Assert.Null(check.Cadence);
        Assert.Empty(check.CadenceCollisions);
        Assert.False(check.Refused);
    }

    [Fact]
    public void Check_OnlyActiveAndCompletedReleasesOfTheTypeSharingASystem_Count()
    {
        var check = ReleaseAdmission.Check(With(), Request("new", ReleaseType.Minor, Tuesday, "Billing", "Forecasting"),
        [
            Stored("active", ReleaseType.Minor, Tuesday.AddDays(-14), systems: ["forecasting"]),
            Stored("done", ReleaseType.Minor, Tuesday.AddDays(14), ReleaseStatus.Completed),
            Stored("cancelled", ReleaseType.Minor, Tuesday.AddDays(-7), ReleaseStatus.Cancelled),
            Stored("rejected", ReleaseType.Minor, Tuesday.AddDays(-7), ReleaseStatus.Rejected),
            Stored("other-system", ReleaseType.Minor, Tuesday.AddDays(-7), systems: ["Integration"]),
            Stored("other-type", ReleaseType.Patch, Tuesday.AddDays(-7)),
            Stored("new", ReleaseType.Minor, Tuesday.AddDays(-7)),
        ]);

        Assert.Equal(["active", "done"], check.CadenceCollisions.Select(c => c.OtherId));
        Assert.Equal("Forecasting", check.CadenceCollisions[0].System);
        var warning = Assert.Single(check.Warnings(DateTimeOffset.UnixEpoch), w => w.Code == AdmissionWarnings.OverCadence);
        Assert.Contains("active (2026-12-01, Forecasting)", warning.Message, StringComparison.Ordinal);
        Assert.Contains("done (2026-12-29, Billing)", warning.Message, StringComparison.Ordinal);
        Assert.Empty(check.ExtraPlanApprovalRoles);
    }

    [Fact]
    public void Check_RequireApprovalOverTheCadence_AddsTheReleaseManagerToThePlanApproval()
    {
        var policy = With(FrequencyRule.RequireApproval);
        var request = Request("new", ReleaseType.Minor, Tuesday);
        var over = ReleaseAdmission.Check(policy, request, [Stored("old", ReleaseType.Minor, Tuesday.AddDays(-7))]);
        var within = ReleaseAdmission.Check(policy, request, [Stored("old", ReleaseType.Minor, Tuesday.AddDays(-70))]);

        Assert.Equal([PolicyRoles.ReleaseManager], over.ExtraPlanApprovalRoles);
        Assert.False(over.Refused);
        Assert.Contains("release manager must approve", Assert.Single(over.Warnings(DateTimeOffset.UnixEpoch)).Message, StringComparison.Ordinal);
        Assert.Empty(within.ExtraPlanApprovalRoles);
        var risk = RiskEvaluator.Assess(policy.RiskMatrix, request.Impact, request.Probability);
        Assert.Contains(PolicyRoles.ReleaseManager, ApprovalPlan.For(policy, request, risk, over.ExtraPlanApprovalRoles).Plan.RequiredRoles);
        Assert.DoesNotContain(PolicyRoles.ReleaseManager, ApprovalPlan.For(policy, request, risk, null).Plan.RequiredRoles);
        Assert.Contains(PolicyRoles.ReleaseManager, ApprovalPlan.For(policy, request, risk, over.ExtraPlanApprovalRoles).Stages[0].Value.RequiredRoles);
        // A stored release carries the over-cadence warning: views and notices find the same role from it.
        var stored = Stored("new", ReleaseType.Minor, Tuesday) with { Warnings = over.Warnings(DateTimeOffset.UnixEpoch) };
        Assert.Equal([PolicyRoles.ReleaseManager], ReleaseAdmission.ExtraPlanApprovalRoles(policy, stored));
        Assert.Contains(PolicyRoles.ReleaseManager, ApprovalPlan.For(policy, stored).Plan.RequiredRoles);
    }

    [Fact]
    public void Check_RefuseOverTheCadence_IsRefusedNamingTheReleasesAndTheirDates()
    {
        var check = ReleaseAdmission.Check(With(FrequencyRule.Refuse), Request("new", ReleaseType.Patch, Tuesday), [Stored("old", ReleaseType.Patch, Tuesday.AddDays(-7))]);

        Assert.True(check.Refused);
        Assert.Contains("old (2026-12-08, Billing)", Assert.Single(check.Errors["cadence"]), StringComparison.Ordinal);
        Assert.Equal([("old", Tuesday.AddDays(-7), "cadence")], check.Collisions);
        Assert.Empty(check.Warnings(DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public void SlotOf_WindowedTypeAndHotfix_AreTheWindowOccurrenceAndTheDate()
    {
        var slot = ProductionSlot.Of(Default, Request("a", ReleaseType.Minor, Tuesday), ProductionSlot.AsPlanned);
        var hotfix = ProductionSlot.Of(Default, Request("h", ReleaseType.Hotfix, Tuesday.AddDays(1)), ProductionSlot.AsPlanned);

        Assert.Equal(new WindowOccurrence(NewYorkTime(2026, 12, 15, 20), NewYorkTime(2026, 12, 16, 0)), slot.Window);
        Assert.Equal(Tuesday, slot.Date);
        Assert.Equal((Tuesday.AddDays(1), (WindowOccurrence?)null), (hotfix.Date, hotfix.Window));
    }

    [Fact]
    public void Check_ActiveReleasesSharingASystemInTheSameWindow_Conflict()
    {
        var wednesday = Tuesday.AddDays(1);
        var check = ReleaseAdmission.Check(With(), Request("new", ReleaseType.Patch, Tuesday, "Billing", "Forecasting"),
        [
            Stored("same-window", ReleaseType.Major, Tuesday, systems: ["billing"]),
            Stored("hotfix-same-day", ReleaseType.Hotfix, Tuesday, systems: ["Forecasting"]),
            Stored("waits-for-it", ReleaseType.Minor, Tuesday.AddDays(-1), systems: ["Billing"]),
            Stored("thursday", ReleaseType.Minor, Tuesday.AddDays(2), systems: ["Billing"]),
            Stored("hotfix-next-day", ReleaseType.Hotfix, wednesday, systems: ["Billing"]),
            Stored("ended", ReleaseType.Minor, Tuesday, ReleaseStatus.Completed, ["Billing"]),
            Stored("other-system", ReleaseType.Minor, Tuesday, systems: ["Integration"]),
        ]);

        Assert.Equal(["same-window", "waits-for-it", "hotfix-same-day"], check.Conflicts.Select(c => c.OtherId));
        Assert.Equal(["same-window", "waits-for-it", "hotfix-same-day"], check.ConflictingReleaseIds);
        var warning = Assert.Single(check.Warnings(DateTimeOffset.UnixEpoch), w => w.Code == AdmissionWarnings.WindowConflict);
        Assert.Contains("same-window (target 2026-12-15, Billing)", warning.Message, StringComparison.Ordinal);
        Assert.Contains("hotfix-same-day (target 2026-12-15, Forecasting)", warning.Message, StringComparison.Ordinal);
        Assert.False(check.Refused);
    }

    [Fact]
    public void Check_ConflictInAWindow_NamesTheWindowOpeningInThePolicyTimeZone()
    {
        // The Tuesday window opens at 20:00 in New York, 01:00 the next day in UTC.
        var check = ReleaseAdmission.Check(With(), Request("new", ReleaseType.Patch, Tuesday), [Stored("there", ReleaseType.Major, Tuesday)]);

        var warning = Assert.Single(check.Warnings(DateTimeOffset.UnixEpoch), w => w.Code == AdmissionWarnings.WindowConflict);
        Assert.Contains("the production window of 2026-12-15 (opening 2026-12-15 20:00 (Tuesday) America/New_York)", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("2026-12-16", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_RefuseConflicts_IsRefusedNamingTheConflictingReleases()
    {
        var check = ReleaseAdmission.Check(With(conflicts: ConflictRule.Refuse), Request("new", ReleaseType.Patch, Tuesday),
            [Stored("there", ReleaseType.Major, Tuesday)]);

        Assert.True(check.Refused);
        Assert.Contains("there (target 2026-12-15, Billing)", Assert.Single(check.Errors["conflicts"]), StringComparison.Ordinal);
        Assert.Equal([("there", Tuesday, "conflict")], check.Collisions);
    }

    [Fact]
    public void Among_PairsInBothDirections_OnlyForActiveReleasesInOneSlot()
    {
        var conflicts = ReleaseConflicts.Among(Default,
        [
            Stored("a", ReleaseType.Minor, Tuesday, systems: ["Billing", "Forecasting"]),
            Stored("b", ReleaseType.Patch, Tuesday, systems: ["billing"]),
            Stored("c", ReleaseType.Minor, Tuesday.AddDays(2), systems: ["Billing"]),
            Stored("gone", ReleaseType.Minor, Tuesday, ReleaseStatus.Cancelled, ["Billing"]),
        ]);

        Assert.Equal([("a", "b", "Billing"), ("b", "a", "billing")], conflicts.Select(c => (c.ReleaseId, c.OtherId, c.System)));
    }

    [Fact]
    public void TargetRange_CoversTheCadenceAndTheWeeksBeforeTheWindow()
    {
        var (from, to) = ReleaseAdmission.TargetRange(Default, Request("a", ReleaseType.Major, Tuesday));

        Assert.Equal(Tuesday.AddMonths(-3).AddDays(1), from);
        Assert.Equal(Tuesday.AddMonths(3).AddDays(-1), to);
        var (hotfixFrom, hotfixTo) = ReleaseAdmission.TargetRange(Default, Request("h", ReleaseType.Hotfix, Tuesday));
        Assert.Equal((Tuesday.AddDays(-ReleaseAdmission.ConflictLookBackDays), Tuesday), (hotfixFrom, hotfixTo));
    }

    [Fact]
    public void Warnings_FiveReleasesInTheWindowAndOverTheCadence_NameThreeAndCountTwo()
    {
        var others = Enumerable.Range(1, 5).Select(i => Stored($"other-{i}", ReleaseType.Minor, Tuesday)).ToArray();

        var check = ReleaseAdmission.Check(With(), Request("new", ReleaseType.Minor, Tuesday), others);

        var warnings = check.Warnings(DateTimeOffset.UnixEpoch).ToDictionary(w => w.Code, w => w.Message);
        Assert.EndsWith("with other-1 (target 2026-12-15, Billing); other-2 (target 2026-12-15, Billing); other-3 (target 2026-12-15, Billing) and 2 more.",
            warnings[AdmissionWarnings.WindowConflict], StringComparison.Ordinal);
        Assert.EndsWith("from other-1 (2026-12-15, Billing); other-2 (2026-12-15, Billing); other-3 (2026-12-15, Billing) and 2 more.",
            warnings[AdmissionWarnings.OverCadence], StringComparison.Ordinal);
        Assert.Equal(5, check.ConflictingReleaseIds.Count);
    }
}
