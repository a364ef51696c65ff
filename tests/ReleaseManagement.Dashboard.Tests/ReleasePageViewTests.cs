using ReleaseManagement.Api.Dashboard;
using ReleaseManagement.Approvals;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;
using static ReleaseManagement.Dashboard.Tests.Builders;

namespace ReleaseManagement.Dashboard.Tests;

public sealed class ReleasePageViewTests
{
    private static ReleasePageView Build(
        ReleaseRecord record,
        IReadOnlyList<TimelineEntry>? timeline = null,
        IReadOnlyList<StoredPipelineEvent>? events = null,
        IReadOnlyDictionary<string, IReadOnlyList<ApprovalDecisionRecord>>? decisions = null,
        IReadOnlyList<StoredHealth>? health = null) =>
        ReleasePageView.Build(new ReleaseDetail(record, timeline ?? [], events ?? [], decisions ?? new Dictionary<string, IReadOnlyList<ApprovalDecisionRecord>>(), health ?? [], DefaultPolicy), Format, Now);

    [Fact]
    public void Build_Pipeline_FollowsThePolicyRouteWithDeploymentStates()
    {
        var view = Build(
            Release("r1", ReleasePhase.Promotion, stage: "promotion:staging"),
            events: [Deployed("r1", "integration", Now.AddDays(-1), version: "2.0.0")]);

        Assert.Equal(["Development", "Integration", "Staging", "Production"], view.Pipeline.Select(n => n.Environment));
        Assert.Equal(["pending", "done", "current", "pending"], view.Pipeline.Select(n => n.State));
        Assert.Equal("2.0.0", view.Pipeline[1].Version);
        Assert.Equal("Standard route", view.RouteName);
    }

    [Fact]
    public void Build_HotfixRelease_DrawsTheHotfixRoute()
    {
        var view = Build(Release("h1", type: ReleaseType.Hotfix));

        Assert.Equal("Hotfix route", view.RouteName);
        Assert.Equal(DefaultPolicy.PromotionRoute(ReleaseType.Hotfix).Count + 1, view.Pipeline.Count);
    }

    [Fact]
    public void Build_Approvals_ShowDecisionsAndWhoIsStillAskedUntilWhen()
    {
        var deadline = Now.AddHours(-1);
        var decided = new ApprovalDecisionRecord("d1", "r1", "plan", true, "po@example.com", "product-owner", "Looks good", Now.AddHours(-3), DecisionChannels.EmailLink, null, null, null);
        var view = Build(
            Release("r1", ReleasePhase.Planning, pending: [new PendingApproval("plan", ["technical-lead"], deadline)]),
            decisions: new Dictionary<string, IReadOnlyList<ApprovalDecisionRecord>> { ["plan"] = [decided] });

        var plan = view.Approvals.Single(a => a.Stage == "plan");
        Assert.Equal("Waiting", plan.State);
        Assert.Equal(("po@example.com", "Approved", "Looks good"), (plan.Decisions[0].Approver, plan.Decisions[0].Decision, plan.Decisions[0].Comment));
        var waiting = Assert.Single(plan.Waiting);
        Assert.Equal(("technical-lead", true), (waiting.Role, waiting.Overdue));
        Assert.Equal(["lead@example.com"], waiting.People);
        Assert.Contains(view.Approvals, a => a.Stage == "promotion:production" && a.State == "Not asked yet");
    }

    [Fact]
    public void Build_Communications_MatchSentAndMissedLinesToTheScheduleByTheirFieldsNotTheirText()
    {
        var first = DefaultPolicy.Communications.OrderBy(c => c.Offset).First();
        var second = DefaultPolicy.Communications.OrderBy(c => c.Offset).Skip(1).First();
        var third = DefaultPolicy.Communications.OrderBy(c => c.Offset).Skip(2).First();
        var record = Release("r1", target: new DateOnly(2026, 11, 24));
        static TimelineEntry Line(int sequence, DateTimeOffset at, string message, string? subject = null, string? outcome = null, int? recipients = null) =>
            new(sequence, at, null, "communication", message, TimelineWriters.Communications, subject, outcome, recipients);
        var timeline = new[]
        {
            Line(1, Now.AddDays(-4), "It was due before the release was planned.", first.Id, CommunicationOutcomes.Missed),
            Line(2, Now.AddDays(-1), "Done.", second.Id, CommunicationOutcomes.Sent, 7),
            // A message that reads like a sent line but says so in no field is no evidence.
            Line(3, Now.AddDays(-1), $"Sent {third.Id}: {third.Description} (9 recipient(s))."),
        };

        var rows = Build(record, timeline).Communications;

        Assert.Equal(DefaultPolicy.Communications.Count, rows.Count);
        Assert.Equal(("Missed", true), (rows[0].Status, rows[0].Warning));
        Assert.Equal(("Sent", 7, false), (rows[1].Status, rows[1].Recipients, rows[1].Warning));
        Assert.NotEqual("Sent", rows[2].Status);
        Assert.Null(rows[2].Recipients);
        Assert.StartsWith("T-", rows[0].Offset, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_HealthReadings_BecomeChartsAgainstThePolicyThresholds()
    {
        var threshold = DefaultPolicy.SuccessCriteria.DefaultThresholds.MaxErrorRatePercent;
        StoredHealth Reading(int minutes, decimal errorRate) =>
            new("r1", Now.AddMinutes(minutes), new SystemHealth("Billing", errorRate, 300, 99.9m, 1, 0.5m, 280), false, null, [],
                errorRate > threshold ? HealthVerdict.Breached : HealthVerdict.Healthy);

        var charts = Build(Release("r1", ReleasePhase.Validation), health: [Reading(0, threshold / 2), Reading(10, threshold * 2), Reading(20, threshold / 4)]).Health;

        var errors = charts.Single(c => c.Title == "Billing: error rate");
        Assert.Equal(3, errors.Values.Count);
        Assert.Equal(1, errors.BreachCount);
        Assert.True(errors.Values[1].Breached);
        Assert.Equal(3, errors.Points.Split(' ').Length);
        Assert.Contains(charts, c => c.Title == "Billing: p95 latency" && c.Unit == "ms");
    }

    [Fact]
    public void Build_HealthReadingsStoredAsMissingData_AreCountedAndSaidOnEachChartNotPlotted()
    {
        var healthy = new StoredHealth("r1", Now, new SystemHealth("Billing", 0.1m, 300, 99.9m, 1, 0.1m, 280), false, null, [], HealthVerdict.Healthy);
        StoredHealth Missing(int minutes) =>
            new("r1", Now.AddMinutes(minutes), new SystemHealth("Billing", null, null, null, null, null, null), false, "monitoring not configured", [], HealthVerdict.MissingData);

        var charts = Build(Release("r1", ReleasePhase.PostRelease), health: [healthy, Missing(15), Missing(30)]).Health;

        Assert.All(charts, c => Assert.Equal(2, c.MissingCount));
        var errors = charts.Single(c => c.Title == "Billing: error rate");
        Assert.Single(errors.Values);
        Assert.Equal("2 readings without data", errors.MissingText);
        Assert.EndsWith("2 readings without data.", errors.Description);
    }

    [Fact]
    public void Build_Timeline_KeepsEveryLine()
    {
        var view = Build(Release("r1"), [new TimelineEntry(1, Now.AddHours(-2), ReleasePhase.Planning, "phase", "Planning: risk High."), new TimelineEntry(2, Now.AddHours(-1), ReleasePhase.Planning, "approval", "Awaiting plan approval.")]);

        Assert.Equal(["Planning: risk High.", "Awaiting plan approval."], view.Timeline.Select(t => t.Message));
    }

    [Fact]
    public void Build_StageTheChangeCategorySkips_IsShownPreApprovedNotAsWaitingToBeAsked()
    {
        var standard = Release("s1", ReleasePhase.Development);
        standard = standard with { Request = standard.Request with { ChangeCategory = ChangeCategory.Standard } };

        var view = Build(standard);

        Assert.Contains(view.Approvals, a => a.Stage == "plan" && a.State == "Pre-approved (Standard change)");
        Assert.Contains(view.Approvals, a => a.Stage == "promotion:integration" && a.State == "Not asked yet");
        Assert.Contains(Build(Release("n1")).Approvals, a => a.Stage == "plan" && a.State == "Not asked yet");
    }

    [Fact]
    public void Build_Warnings_AreListedOldestFirstWithTheirTime()
    {
        var record = Release("r1") with
        {
            Warnings = [new ReleaseWarning("notice-not-sent", "The T-7d notice was not sent.", Now.AddHours(-1)), new ReleaseWarning("missing-health-data", "Monitoring data missing.", Now.AddHours(-3))],
        };

        var warnings = Build(record).Warnings;

        Assert.Equal(["missing-health-data", "notice-not-sent"], warnings.Select(w => w.Code));
        Assert.Equal(Format.Time(Now.AddHours(-3)), warnings[0].At);
    }

    [Fact]
    public void Build_StageKeys_AreReadableInTheHeaderReasonTimelineAndApprovals()
    {
        var view = Build(
            Release("r1", stage: "gate:development", reason: "Gate gate:development: Pending."),
            [new TimelineEntry(1, Now.AddHours(-1), ReleasePhase.Development, "gate", "Gate gate:development: Pending.")]);

        Assert.Equal("Development gate", view.Header.Stage);
        Assert.Equal("Development gate: Pending.", view.Header.StatusReason);
        Assert.Equal("Development gate: Pending.", view.Timeline.Single().Message);
        Assert.Equal("Plan approval", view.Approvals.Single(a => a.Stage == "plan").Name);
        Assert.Equal("Production promotion approval", view.Approvals.Single(a => a.Stage == "promotion:production").Name);
    }

    [Fact]
    public void Build_PipelineApproval_SaysWhoDecidedWithoutTheStageKey()
    {
        var decided = new ApprovalDecisionRecord("d1", "r1", "promotion:integration", true, "lead@example.com", "technical-lead", null, Now.AddHours(-3), DecisionChannels.EmailLink, null, null, null);

        var view = Build(Release("r1", ReleasePhase.Promotion), decisions: new Dictionary<string, IReadOnlyList<ApprovalDecisionRecord>> { ["promotion:integration"] = [decided] });

        var integration = view.Pipeline.Single(n => n.Environment == "Integration");
        Assert.Equal($"Approved by lead@example.com at {Format.Time(Now.AddHours(-3))}", integration.Approval);
    }

    [Fact]
    public void Build_HighRiskRelease_ListsTheRoleTheRiskAddsToThePlanApproval()
    {
        var high = Release("r1", ReleasePhase.Planning);
        high = high with { Request = high.Request with { Impact = RiskRating.High, Probability = RiskRating.High } };

        var plan = Build(high).Approvals.Single(a => a.Stage == "plan");
        var medium = Build(Release("r2", ReleasePhase.Planning)).Approvals.Single(a => a.Stage == "plan");

        Assert.Equal(["product-owner", "technical-lead", "release-manager"], plan.Roles);
        Assert.Equal(["product-owner", "technical-lead"], medium.Roles);
    }

    [Fact]
    public void Build_ReleaseOverItsCadenceUnderRequireApproval_ListsTheReleaseManagerForThePlan()
    {
        var policy = DefaultPolicy with
        {
            ReleaseTypes = DefaultPolicy.ReleaseTypes.ToDictionary(kv => kv.Key, kv => kv.Key == ReleaseType.Minor ? kv.Value with { FrequencyRule = FrequencyRule.RequireApproval } : kv.Value),
        };
        var record = Release("r1", ReleasePhase.Planning) with { Warnings = [new ReleaseWarning(AdmissionWarnings.OverCadence, "Over the Minor cadence.", Now)] };

        var view = ReleasePageView.Build(new ReleaseDetail(record, [], [], new Dictionary<string, IReadOnlyList<ApprovalDecisionRecord>>(), [], policy), Format, Now);

        Assert.Contains("release-manager", view.Approvals.Single(a => a.Stage == "plan").Roles);
    }
}
