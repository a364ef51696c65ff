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

        var view = MetricsView.Build(reports, DefaultPolicy.MetricTargets, Format, Now);

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
    }
}
