using ReleaseManagement.Api.Dashboard;
using ReleaseManagement.Metrics;
using static ReleaseManagement.Dashboard.Tests.Builders;

namespace ReleaseManagement.Dashboard.Tests;

public sealed class MetricsViewTests
{
    [Fact]
    public void Build_MonthAndQuarter_AreColumnsOfEveryMetricWithTargetsAndReportLinks()
    {
        var month = ReportPeriod.Month(2026, 11);
        var quarter = ReportPeriod.Quarter(2026, 4);
        var reports = new[] { month, quarter }.Select(p => MetricsReportBuilder.Build(p, MetricFacts.Empty, DefaultPolicy, 2024, Now)).ToArray();

        var view = MetricsView.Build(Data(reports, []), DefaultPolicy.MetricTargets, Format, Now);

        Assert.Equal(["Month 2026-11", "Quarter 2026-Q4"], view.Periods.Select(p => p.Label));
        Assert.Equal(["/api/reports/2026-11", "/api/reports/2026-Q4"], view.Periods.Select(p => p.ReportUrl));
        Assert.All(view.Rows, r => Assert.Equal(2, r.Values.Count));
        Assert.Equal(["Procedure", "DORA", "Approvals"], view.Rows.Select(r => r.Group).Distinct());
        var success = view.Rows.Single(r => r.Name == "Deployment success rate");
        Assert.Equal($"≥ {DisplayFormat.Number(DefaultPolicy.MetricTargets.MinDeploymentSuccessRatePercent)} %", success.Target);
        Assert.Equal(["no data", "no data"], success.Values);
        Assert.Equal(["0", "0"], view.Rows.Single(r => r.Name == "Deployments").Values);
        Assert.Equal(3, view.Trends.Count);
        Assert.Equal(MetricsReportBuilder.TrendLength(PeriodKind.Month) + 1, view.Trends.Single(t => t.Title == "Deployments by month").Values.Count);
        Assert.Null(view.NotComputed);
        Assert.Null(view.Stale);
    }

    [Fact]
    public void Build_DaysWithoutRollup_PeriodsThatNeedThemSayNotComputedYet_NeverZeros()
    {
        var month = ReportPeriod.Month(2026, 11);
        var quarter = ReportPeriod.Quarter(2026, 4);
        var reports = new[] { month, quarter }.Select(p => MetricsReportBuilder.Build(p, MetricFacts.Empty, DefaultPolicy, 2024, Now)).ToArray();
        // October 3rd (the quarter's, not November's) and a day of June (a trend month) have no rollup.
        var view = MetricsView.Build(Data(reports, [new DateOnly(2026, 10, 3), new DateOnly(2026, 6, 15)]), DefaultPolicy.MetricTargets, Format, Now);

        Assert.Equal(["0", MetricsView.NotComputedValue], view.Rows.Single(r => r.Name == "Deployments").Values);
        Assert.All(view.Rows, r => Assert.Equal(MetricsView.NotComputedValue, r.Values[1]));
        Assert.DoesNotContain("2026-06", view.Trends.Single(t => t.Title == "Deployments by month").Values.Select(v => v.At));
        Assert.DoesNotContain("2026-10", view.Trends.Single(t => t.Title == "Deployments by month").Values.Select(v => v.At));
        Assert.Contains("2026-11", view.Trends.Single(t => t.Title == "Deployments by month").Values.Select(v => v.At));
        Assert.StartsWith("Not computed yet: 2 days (2026-06-15 – 2026-10-03) have no daily rollup.", view.NotComputed, StringComparison.Ordinal);
        Assert.Contains("daily at 06:00 UTC", view.NotComputed, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_StaleDay_ShownAsLastComputedAndSaysTheNextRollupRecomputesIt()
    {
        var month = ReportPeriod.Month(2026, 11);
        var reports = new[] { MetricsReportBuilder.Build(month, MetricFacts.Empty, DefaultPolicy, 2024, Now) };
        var data = Data(reports, []) with { Stored = new StoredFacts(MetricFacts.Empty, [], [new DateOnly(2026, 11, 2)], Now.AddHours(-3)) };

        var view = MetricsView.Build(data, DefaultPolicy.MetricTargets, Format, Now);

        Assert.Equal(["0"], view.Rows.Single(r => r.Name == "Deployments").Values);
        Assert.Equal("Late events changed 2026-11-02 after it was rolled up: shown as last computed; the daily rollup (daily at 06:00 UTC) recomputes it.", view.Stale);
        Assert.Equal(Format.Time(Now.AddHours(-3)), view.ComputedAt);
    }

    [Theory]
    [InlineData("0 0 6 * * *", "daily at 06:00 UTC")]
    [InlineData("0 30 23 * * *", "daily at 23:30 UTC")]
    [InlineData("0 0 */6 * * *", "on the schedule 0 0 */6 * * * (UTC)")]
    public void Describe_Schedule_InWords(string schedule, string words) => Assert.Equal(words, MetricsSchedules.Describe(schedule));

    private static MetricsPageData Data(IReadOnlyList<MetricsReport> reports, IReadOnlyList<DateOnly> missing) =>
        new(reports, new StoredFacts(MetricFacts.Empty, missing, [], missing.Count == 0 ? Now : null), MetricsSchedules.Describe(MetricsSchedules.DailyRollup));
}
