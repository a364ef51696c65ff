using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using ReleaseManagement.Metrics;

namespace ReleaseManagement.Api.Metrics;

/// <summary>
/// The timer jobs, one list for both hosts: the Functions app has one timer trigger per entry (named <see cref="ScheduledJob.Name"/>,
/// scheduled by <c>%ScheduleSetting%</c>), the local host's scheduler runs these entries, and <c>HostParityTests</c> checks both.
/// </summary>
public static class ScheduledJobs
{
    public const string PostReleaseMonitor = "PostReleaseMonitor";
    public const string DailyRollup = "DailyRollup";
    public const string WeeklyReview = "WeeklyReview";
    public const string MonthlyReport = "MonthlyReport";
    public const string QuarterlyReport = "QuarterlyReport";
    public const string StrandedReleases = "StrandedReleases";
    public const string AuditManifest = "AuditManifest";
    public const string HistoryPurge = "HistoryPurge";

    public static IReadOnlyList<ScheduledJob> All { get; } =
    [
        new(PostReleaseMonitor, MetricsSchedules.PostReleaseMonitorSetting,
            (sp, ct) => sp.GetRequiredService<MetricsJobs>().RunPostReleaseMonitorAsync(sp.GetRequiredService<DurableTaskClient>(), ct)),
        new(DailyRollup, MetricsSchedules.DailyRollupSetting, (sp, ct) => sp.GetRequiredService<MetricsJobs>().RunDailyRollupAsync(ct)),
        new(WeeklyReview, MetricsSchedules.WeeklyReviewSetting, (sp, ct) => sp.GetRequiredService<MetricsJobs>().RunReportAsync(PeriodKind.Week, ct)),
        new(MonthlyReport, MetricsSchedules.MonthlyReportSetting, (sp, ct) => sp.GetRequiredService<MetricsJobs>().RunReportAsync(PeriodKind.Month, ct)),
        new(QuarterlyReport, MetricsSchedules.QuarterlyReportSetting, (sp, ct) => sp.GetRequiredService<MetricsJobs>().RunReportAsync(PeriodKind.Quarter, ct)),
        new(StrandedReleases, MetricsSchedules.StrandedReleasesSetting,
            (sp, ct) => sp.GetRequiredService<Api.StrandedReleases>().RunAsync(sp.GetRequiredService<DurableTaskClient>(), ct)),
        new(AuditManifest, MetricsSchedules.AuditManifestSetting, (sp, ct) => sp.GetRequiredService<ReleaseManagement.Audit.AuditManifestJob>().RunAsync(ct)),
        new(HistoryPurge, MetricsSchedules.HistoryPurgeSetting,
            (sp, ct) => sp.GetRequiredService<Api.HistoryPurge>().RunAsync(sp.GetRequiredService<DurableTaskClient>(), ct)),
    ];
}
