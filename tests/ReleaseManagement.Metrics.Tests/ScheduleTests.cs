using System.Text.Json.Nodes;
using Cronos;
using ReleaseManagement.Metrics;

namespace ReleaseManagement.Metrics.Tests;

/// <summary>The default NCRONTAB schedules (as Cronos reads them, six fields, UTC) fire on the right dates.</summary>
public sealed class ScheduleTests
{
    private static IEnumerable<DateTime> Next(string cron, DateTime fromUtc, int count)
    {
        var e = CronExpression.Parse(cron, CronFormat.IncludeSeconds);
        var at = fromUtc;
        for (var i = 0; i < count; i++)
        {
            at = e.GetNextOccurrence(at, TimeZoneInfo.Utc)!.Value;
            yield return at;
        }
    }

    private static DateTime U(int y, int mo, int d, int h = 0, int mi = 0) => new(y, mo, d, h, mi, 0, DateTimeKind.Utc);

    [Fact]
    public void PostReleaseMonitor_EveryQuarterHour()
    {
        Assert.Equal([U(2026, 11, 30, 23, 45), U(2026, 12, 1), U(2026, 12, 1, 0, 15)], Next(MetricsSchedules.PostReleaseMonitor, U(2026, 11, 30, 23, 31), 3));
    }

    [Fact]
    public void DailyRollup_OncePerDayAt0600Utc()
    {
        Assert.Equal([U(2026, 2, 28, 6), U(2026, 3, 1, 6), U(2026, 3, 2, 6)], Next(MetricsSchedules.DailyRollup, U(2026, 2, 28), 3));
    }

    [Fact]
    public void WeeklyReview_Mondays()
    {
        var runs = Next(MetricsSchedules.WeeklyReview, U(2026, 12, 24), 3).ToList();

        Assert.Equal([U(2026, 12, 28, 7), U(2027, 1, 4, 7), U(2027, 1, 11, 7)], runs);
        Assert.All(runs, r => Assert.Equal(DayOfWeek.Monday, r.DayOfWeek));
    }

    [Fact]
    public void MonthlyReport_FirstOfEveryMonth()
    {
        Assert.Equal([U(2026, 12, 1, 7), U(2027, 1, 1, 7), U(2027, 2, 1, 7), U(2027, 3, 1, 7)], Next(MetricsSchedules.MonthlyReport, U(2026, 11, 1, 7), 4));
    }

    [Fact]
    public void QuarterlyReport_FirstOfJanuaryAprilJulyOctober()
    {
        Assert.Equal(
            [U(2027, 1, 1, 7, 30), U(2027, 4, 1, 7, 30), U(2027, 7, 1, 7, 30), U(2027, 10, 1, 7, 30), U(2028, 1, 1, 7, 30)],
            Next(MetricsSchedules.QuarterlyReport, U(2026, 10, 1, 7, 30), 5));
    }

    [Fact]
    public void ExampleSettingsAndInfra_CarryTheDefaultSchedules()
    {
        var root = ReleaseFunctions.TestSupport.Repo.Root;
        var local = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "local.settings.example.json")))!["Values"]!;
        var bicep = File.ReadAllText(Path.Combine(root, "infra", "main.bicep"));
        foreach (var (setting, cron) in MetricsSchedules.Defaults)
        {
            Assert.Equal(cron, (string?)local[setting]);
            Assert.Contains($"{setting}: '{cron}'", bicep);
        }
    }
}
