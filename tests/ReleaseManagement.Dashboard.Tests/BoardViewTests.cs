using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using ReleaseManagement.Api.Dashboard;
using ReleaseManagement.Releases;
using static ReleaseManagement.Dashboard.Tests.Builders;

namespace ReleaseManagement.Dashboard.Tests;

public sealed class BoardViewTests
{
    private static BoardView Build(IReadOnlyList<ReleaseRecord> records, BoardFilter? filter = null) =>
        BoardView.Build(DefaultPolicy, records, filter ?? new BoardFilter(), [], DefaultPolicy.Systems.Keys.ToArray(), Format, Now);

    private static IEnumerable<string> Column(BoardView view, string name) => view.Columns.Single(c => c.Name == name).Cards.Select(c => c.Id);

    [Fact]
    public void Build_ActiveReleases_StandInTheColumnOfTheirPhase()
    {
        var view = Build(
        [
            Release("r-submitted", ReleasePhase.Submitted),
            Release("r-planning", ReleasePhase.Planning),
            Release("r-dev", ReleasePhase.Development),
            Release("r-promo", ReleasePhase.Promotion),
            Release("r-deploy", ReleasePhase.Deployment),
            Release("r-valid", ReleasePhase.Validation),
            Release("r-post", ReleasePhase.PostRelease),
        ]);

        Assert.Equal(BoardView.ColumnNames, view.Columns.Select(c => c.Name));
        Assert.Equal(["r-planning", "r-submitted"], Column(view, "Planning").Order());
        Assert.Equal(["r-dev"], Column(view, "Development"));
        Assert.Equal(["r-promo"], Column(view, "Promotion"));
        Assert.Equal(["r-deploy"], Column(view, "Deployment"));
        Assert.Equal(["r-valid"], Column(view, "Validation"));
        Assert.Equal(["r-post"], Column(view, "Post-release"));
        Assert.Equal(7, view.ActiveCount);
    }

    [Fact]
    public void Build_Card_CarriesTheProjectedFacts()
    {
        var card = Build([Release("2027.01.0", title: "January", stage: "promotion:staging", reason: "Waiting for integration-tests.")])
            .Columns.SelectMany(c => c.Cards).Single();

        Assert.Equal(("2027.01.0", "January", "Minor", "2026-12-15"), (card.Id, card.Title, card.Type, card.TargetDate));
        Assert.Equal(["Billing"], card.Systems);
        Assert.Equal("Promotion to Staging", card.Stage);
        Assert.Equal("High", card.RiskLevel);
        Assert.Equal("Waiting for integration-tests.", card.StatusReason);
        Assert.Equal("/api/dashboard/releases/2027.01.0", card.Url);
    }

    [Fact]
    public void Build_PendingApprovalPastItsDeadline_IsMarkedOverdueAndWarned()
    {
        var view = Build(
        [
            Release("late", pending: [new PendingApproval("plan", ["technical-lead"], Now.AddHours(-2))]),
            Release("on-time", target: new DateOnly(2026, 12, 17), pending: [new PendingApproval("plan", ["product-owner"], Now.AddDays(2))]),
        ]);
        var cards = view.Columns.SelectMany(c => c.Cards).ToDictionary(c => c.Id);

        Assert.True(Assert.Single(cards["late"].PendingApprovals).Overdue);
        Assert.Contains(cards["late"].Warnings, w => w.Contains("The Plan approval is overdue", StringComparison.Ordinal));
        Assert.False(Assert.Single(cards["on-time"].PendingApprovals).Overdue);
        Assert.Empty(cards["on-time"].Warnings);
    }

    [Fact]
    public void Build_ActiveReleasesSharingASystemOnTheSameDate_BothWarnOfTheConflict()
    {
        var date = new DateOnly(2026, 12, 15);
        var view = Build(
        [
            Release("a", systems: ["Billing", "Forecasting"], target: date),
            Release("b", systems: ["billing"], target: date),
            Release("c", systems: ["Billing"], target: date.AddDays(2)),
            Release("ended", systems: ["Billing"], target: date, status: ReleaseStatus.Cancelled),
        ]);
        var cards = view.Columns.SelectMany(c => c.Cards).ToDictionary(c => c.Id);

        Assert.Equal(["Shares Billing with b on 2026-12-15."], cards["a"].Warnings);
        Assert.Equal(["Shares billing with a on 2026-12-15."], cards["b"].Warnings);
        Assert.Empty(cards["c"].Warnings);
    }

    [Fact]
    public void Build_TargetDatePassedBeforeDeployment_IsWarned()
    {
        var view = Build([Release("late", ReleasePhase.Promotion, target: new DateOnly(2026, 11, 3))]);

        Assert.Contains("The target date 2026-11-03 has passed.", view.Columns.SelectMany(c => c.Cards).Single().Warnings);
    }

    [Fact]
    public void Build_EndedReleases_AreListedForThirtyDaysWithTheirOutcome()
    {
        var view = Build(
        [
            Release("done", ReleasePhase.Closed, ReleaseStatus.Completed, updated: Now.AddDays(-2)),
            Release("rolled", ReleasePhase.Closed, ReleaseStatus.RolledBack, updated: Now.AddDays(-29), reason: "Error rate 7%."),
            Release("old", ReleasePhase.Closed, ReleaseStatus.Completed, updated: Now.AddDays(-31)),
        ]);

        Assert.Equal(["done", "rolled"], view.Ended.Select(e => e.Id));
        Assert.Equal(("Completed", true), (view.Ended[0].Outcome, view.Ended[0].Succeeded));
        Assert.Equal(("Rolled back", false, "Error rate 7%."), (view.Ended[1].Outcome, view.Ended[1].Succeeded, view.Ended[1].Reason));
        Assert.All(view.Columns, c => Assert.Empty(c.Cards));
    }

    [Fact]
    public void Build_Filters_KeepOnlyMatchingReleases()
    {
        ReleaseRecord[] records =
        [
            Release("2027.01.0", title: "January billing", systems: ["Billing"]),
            Release("2027.01.1", title: "Forecast fix", type: ReleaseType.Patch, systems: ["Forecasting"]),
            Release("2027.02.0", title: "February", systems: ["Billing", "Forecasting"]),
        ];

        Assert.Equal(["2027.01.1"], Build(records, new BoardFilter(Type: ReleaseType.Patch)).Columns.SelectMany(c => c.Cards).Select(c => c.Id));
        Assert.Equal(["2027.01.1", "2027.02.0"], Build(records, new BoardFilter(System: "forecasting")).Columns.SelectMany(c => c.Cards).Select(c => c.Id).Order());
        Assert.Equal(["2027.01.0"], Build(records, new BoardFilter(Search: "BILLING")).Columns.SelectMany(c => c.Cards).Select(c => c.Id));
        Assert.Equal(["2027.02.0"], Build(records, new BoardFilter(Search: "02.")).Columns.SelectMany(c => c.Cards).Select(c => c.Id));
        Assert.Empty(Build(records, new BoardFilter(Status: ReleaseStatus.Completed)).Columns.SelectMany(c => c.Cards));
        Assert.Equal(3, Build(records, new BoardFilter(Search: "02.")).ActiveCount);
    }

    [Fact]
    public void Parse_QueryString_ReadsFiltersAndNamesWhatItDropped()
    {
        var query = new QueryCollection(new Dictionary<string, StringValues>
        {
            ["type"] = "patch",
            ["status"] = "Sleeping",
            ["system"] = " Billing ",
            ["q"] = new string('x', BoardFilter.MaxText + 1),
        });

        var filter = BoardFilter.Parse(query, out var problems);

        Assert.Equal(new BoardFilter(ReleaseType.Patch, "Billing", null, null), filter);
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.Contains("'Sleeping' is not a status", StringComparison.Ordinal));
        Assert.Equal("/api/dashboard?type=Patch&system=Billing", DashboardRoutes.BoardWith(filter));
    }
}
