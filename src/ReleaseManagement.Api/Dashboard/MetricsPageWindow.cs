using ReleaseManagement.Metrics;
using ReleaseManagement.Policy;

namespace ReleaseManagement.Api.Dashboard;

/// <summary>
/// What the metrics page shows: the current month's and quarter's reports from the stored rollups, what was read (which
/// finished days have no rollup yet, which are stale, when the latest rollup was computed), and when the daily rollup runs.
/// </summary>
public sealed record MetricsPageData(IReadOnlyList<MetricsReport> Reports, StoredFacts Stored, string RollupRuns);

/// <summary>The periods the metrics page shows and the local days whose facts it needs (plain functions, see <see cref="DashboardReader.CurrentReportsAsync"/>).</summary>
public static class MetricsPageWindow
{
    /// <summary>The current month and quarter of <paramref name="today"/> (local).</summary>
    public static (ReportPeriod Month, ReportPeriod Quarter) Periods(DateOnly today) =>
        (ReportPeriod.Containing(PeriodKind.Month, today), ReportPeriod.Containing(PeriodKind.Quarter, today));

    /// <summary>The local days [from, to) of <paramref name="period"/>'s report with its trend, as <see cref="MetricsService.BuildReportAsync"/> reads them.</summary>
    public static (DateOnly From, DateOnly To) Days(ReportPeriod period, TimeZoneInfo zone, DateTimeOffset now)
    {
        var (from, to) = MetricsReportBuilder.FactsWindow(period, zone, now);
        return (PolicyTime.LocalDate(zone, from), PolicyTime.LocalDate(zone, to).AddDays(1));
    }

    /// <summary>The local days [from, to) of <paramref name="period"/> alone: its own days and the failure attribution window after it (not after now).</summary>
    public static (DateOnly From, DateOnly To) DaysWithoutTrend(ReportPeriod period, TimeZoneInfo zone, DateTimeOffset now)
    {
        var (from, to) = period.Bounds(zone);
        var end = to + MetricsCalculator.FailureAttributionWindow;
        return (PolicyTime.LocalDate(zone, from), PolicyTime.LocalDate(zone, end < now ? end : now).AddDays(1));
    }

    /// <summary>A report built without its earlier periods' facts keeps only its own trend point (the earlier ones would read as empty).</summary>
    public static MetricsReport WithoutTrend(MetricsReport report) =>
        report with { Trend = [.. report.Trend.Where(t => t.Period == report.Period)] };
}
