using ReleaseManagement.Metrics;
using ReleaseManagement.Policy;
using static ReleaseManagement.Metrics.Tests.Facts;

namespace ReleaseManagement.Metrics.Tests;

public sealed class PeriodTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    [Theory]
    [InlineData("2026-11", PeriodKind.Month, "2026-11-01", "2026-12-01")]
    [InlineData("2026-Q4", PeriodKind.Quarter, "2026-10-01", "2027-01-01")]
    [InlineData("2026-Q1", PeriodKind.Quarter, "2026-01-01", "2026-04-01")]
    [InlineData("2026-W45", PeriodKind.Week, "2026-11-02", "2026-11-09")]
    [InlineData("2026-W53", PeriodKind.Week, "2026-12-28", "2027-01-04")]
    [InlineData("2026-11-03", PeriodKind.Day, "2026-11-03", "2026-11-04")]
    public void TryParse_Labels_GiveLocalDates(string text, PeriodKind kind, string start, string end)
    {
        Assert.True(ReportPeriod.TryParse(text, out var p));
        Assert.Equal(new ReportPeriod(kind, DateOnly.Parse(start), DateOnly.Parse(end)), p);
        Assert.Equal(text, p.Label);
    }

    [Theory]
    [InlineData("2026-13")]
    [InlineData("2026-Q5")]
    [InlineData("2026-W54")]
    [InlineData("2027-W53")]
    [InlineData("2026-02-30")]
    [InlineData("nov")]
    [InlineData("")]
    [InlineData("1999-01")]
    public void TryParse_Nonsense_IsRefused(string text)
    {
        Assert.False(ReportPeriod.TryParse(text, out _));
    }

    [Fact]
    public void Previous_Quarter_WrapsTheYear()
    {
        Assert.Equal(["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"], ReportPeriod.Quarter(2026, 4).PreviousPeriods(4).Select(p => p.Label));
        Assert.Equal("2026-W01", ReportPeriod.Week(2026, 2).Previous().Label);
        Assert.Equal("2025-W52", ReportPeriod.Week(2026, 1).Previous().Label);
    }

    [Fact]
    public void Bounds_MonthInNewYork_AreLocalMidnights_AcrossTheClockChange()
    {
        var (from, to) = ReportPeriod.Month(2026, 11).Bounds(NewYork);

        Assert.Equal(T(11, 1, 4), from); // EDT, UTC-4
        Assert.Equal(T(12, 1, 5), to);   // EST, UTC-5
        var (dayFrom, dayTo) = ReportPeriod.Day(new DateOnly(2026, 11, 1)).Bounds(NewYork);
        Assert.Equal(TimeSpan.FromHours(25), dayTo - dayFrom); // the day the clocks go back
    }

    [Fact]
    public void Report_InNewYork_CountsA30NovemberEveningDeploymentInNovember()
    {
        var policy = ReleasePolicyDefaults.Create(); // America/New_York
        var facts = new MetricFacts
        {
            Deployments =
            [
                Deploy(R1, T(12, 1, 3)),       // 30 November 22:00 in New York
                Deploy(R2, T(11, 1, 3, 30)),   // 31 October 23:30 in New York
            ],
        };

        var report = MetricsReportBuilder.Build(ReportPeriod.Month(2026, 11), facts, policy, 2024, T(12, 2));

        Assert.Equal(1, report.Overall.Deployments);
        Assert.Equal(["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"], report.Trend.Select(t => t.Period));
        Assert.Equal(1, report.Trend[^2].Deployments); // October has the other one
    }
}
