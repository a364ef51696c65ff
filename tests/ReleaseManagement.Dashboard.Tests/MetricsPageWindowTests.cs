using System.Text.Json;
using ReleaseManagement.Api.Dashboard;
using ReleaseManagement.Metrics;
using ReleaseManagement.Releases;
using static ReleaseManagement.Dashboard.Tests.Builders;

namespace ReleaseManagement.Dashboard.Tests;

public sealed class MetricsPageWindowTests
{
    [Theory]
    [InlineData(2026, 1, 5)]
    [InlineData(2026, 3, 31)]
    [InlineData(2026, 11, 10)]
    [InlineData(2026, 12, 31)]
    public void Days_QuarterAlone_LiesInsideTheMonthsTrendWindow(int year, int month, int day)
    {
        var today = new DateOnly(year, month, day);
        var now = new DateTimeOffset(today.ToDateTime(new TimeOnly(15, 0)), TimeSpan.Zero);
        var (m, q) = MetricsPageWindow.Periods(today);

        var monthDays = MetricsPageWindow.Days(m, Format.Zone, now);
        var quarterDays = MetricsPageWindow.DaysWithoutTrend(q, Format.Zone, now);
        var fullQuarterDays = MetricsPageWindow.Days(q, Format.Zone, now);

        Assert.True(monthDays.From <= quarterDays.From && quarterDays.To <= monthDays.To, $"{quarterDays} within {monthDays}");
        Assert.True(fullQuarterDays.To.DayNumber - fullQuarterDays.From.DayNumber > 360, "the quarter's report with its trend reads more than a year");
        Assert.True(monthDays.To.DayNumber - monthDays.From.DayNumber < 220, "the page reads about seven months");
    }

    [Fact]
    public void WithoutTrend_QuarterFromItsOwnDays_HasTheSameFiguresAsTheFullReport()
    {
        var now = Now;
        var (_, quarter) = MetricsPageWindow.Periods(DateOnly.FromDateTime(now.UtcDateTime));
        var (qFrom, _) = quarter.Bounds(Format.Zone);
        var segment = new ReleaseSegment("r1", "Billing", ReleaseType.Minor, null);
        var early = new ReleaseSegment("r0", "Billing", ReleaseType.Minor, null);
        // Facts before the quarter (a deployment, an incident and its recovery) and in it.
        var facts = new MetricFacts
        {
            Deployments =
            [
                new DeploymentFact(early, qFrom.AddDays(-100), true, null, null, null, null),
                new DeploymentFact(segment, qFrom.AddDays(3), true, qFrom.AddDays(-20), qFrom.AddDays(-10), qFrom.AddDays(2), TimeSpan.FromHours(5)),
                new DeploymentFact(segment, qFrom.AddDays(20), false, qFrom.AddDays(-20), null, qFrom.AddDays(19), null),
            ],
            Incidents = [new IncidentFact(early, qFrom.AddDays(-90), "INC-1", true, qFrom.AddDays(-100)), new IncidentFact(segment, qFrom.AddDays(5), "INC-2", true, qFrom.AddDays(3))],
            Recoveries = [new RecoveryFact(early, qFrom.AddDays(-89), "INC-1", qFrom.AddDays(-90), true), new RecoveryFact(segment, qFrom.AddDays(6), "INC-2", qFrom.AddDays(5), true)],
        };
        var own = new MetricFacts
        {
            Deployments = [.. facts.Deployments.Where(d => d.At >= qFrom)],
            Incidents = [.. facts.Incidents.Where(i => i.At >= qFrom)],
            Recoveries = [.. facts.Recoveries.Where(r => r.At >= qFrom)],
        };

        var full = MetricsReportBuilder.Build(quarter, facts, DefaultPolicy, 2024, now);
        var page = MetricsPageWindow.WithoutTrend(MetricsReportBuilder.Build(quarter, own, DefaultPolicy, 2024, now));

        Assert.Equal(JsonSerializer.Serialize(full.Overall), JsonSerializer.Serialize(page.Overall));
        Assert.Equal(2, full.Overall.Deployments);
        Assert.Equal([quarter.Label], page.Trend.Select(t => t.Period));
    }
}
