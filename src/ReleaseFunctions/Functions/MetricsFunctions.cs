using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using ReleaseManagement.Api;
using ReleaseManagement.Api.Metrics;
using ReleaseManagement.Metrics;

namespace ReleaseFunctions.Functions;

/// <summary>Names of the monitoring and metrics functions (the timers' names come from <see cref="ScheduledJobs"/>).</summary>
public static class MetricsFunctionNames
{
    public const string PostReleaseMonitor = ScheduledJobs.PostReleaseMonitor;
    public const string DailyRollup = ScheduledJobs.DailyRollup;
    public const string WeeklyReview = ScheduledJobs.WeeklyReview;
    public const string MonthlyReport = ScheduledJobs.MonthlyReport;
    public const string QuarterlyReport = ScheduledJobs.QuarterlyReport;
    public const string StrandedReleases = ScheduledJobs.StrandedReleases;
    public const string AuditManifest = ScheduledJobs.AuditManifest;
    public const string HistoryPurge = ScheduledJobs.HistoryPurge;
    public const string GetMetrics = "GetMetrics";
    public const string GetReport = "GetReport";
}

/// <summary>
/// Timer triggers, one per entry of <see cref="ScheduledJobs"/> (schedules in the app settings named there, NCRONTAB, UTC), and
/// the metrics HTTP triggers, each calling the handler both hosts share.
/// </summary>
public sealed class MetricsFunctions(
    MetricsJobs jobs, MetricsHandlers handlers, StrandedReleases stranded, ReleaseManagement.Audit.AuditManifestJob manifest, HistoryPurge purge)
{
    [Function(MetricsFunctionNames.HistoryPurge)]
    public Task Purge([TimerTrigger("%" + MetricsSchedules.HistoryPurgeSetting + "%")] TimerInfo timer, [DurableClient] DurableTaskClient durable, CancellationToken cancellationToken) =>
        purge.RunAsync(durable, cancellationToken);

    [Function(MetricsFunctionNames.AuditManifest)]
    public Task Manifest([TimerTrigger("%" + MetricsSchedules.AuditManifestSetting + "%")] TimerInfo timer, CancellationToken cancellationToken) =>
        manifest.RunAsync(cancellationToken);

    [Function(MetricsFunctionNames.StrandedReleases)]
    public Task Stranded([TimerTrigger("%" + MetricsSchedules.StrandedReleasesSetting + "%")] TimerInfo timer, [DurableClient] DurableTaskClient durable, CancellationToken cancellationToken) =>
        stranded.RunAsync(durable, cancellationToken);

    [Function(MetricsFunctionNames.PostReleaseMonitor)]
    public Task Monitor([TimerTrigger("%" + MetricsSchedules.PostReleaseMonitorSetting + "%")] TimerInfo timer, [DurableClient] DurableTaskClient durable, CancellationToken cancellationToken) =>
        jobs.RunPostReleaseMonitorAsync(durable, cancellationToken);

    [Function(MetricsFunctionNames.DailyRollup)]
    public Task Rollup([TimerTrigger("%" + MetricsSchedules.DailyRollupSetting + "%")] TimerInfo timer, CancellationToken cancellationToken) =>
        jobs.RunDailyRollupAsync(cancellationToken);

    [Function(MetricsFunctionNames.WeeklyReview)]
    public Task Weekly([TimerTrigger("%" + MetricsSchedules.WeeklyReviewSetting + "%")] TimerInfo timer, CancellationToken cancellationToken) =>
        jobs.RunReportAsync(PeriodKind.Week, cancellationToken);

    [Function(MetricsFunctionNames.MonthlyReport)]
    public Task Monthly([TimerTrigger("%" + MetricsSchedules.MonthlyReportSetting + "%")] TimerInfo timer, CancellationToken cancellationToken) =>
        jobs.RunReportAsync(PeriodKind.Month, cancellationToken);

    [Function(MetricsFunctionNames.QuarterlyReport)]
    public Task Quarterly([TimerTrigger("%" + MetricsSchedules.QuarterlyReportSetting + "%")] TimerInfo timer, CancellationToken cancellationToken) =>
        jobs.RunReportAsync(PeriodKind.Quarter, cancellationToken);

    [Function(MetricsFunctionNames.GetMetrics)]
    public Task<IResult> Metrics(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Metrics)] HttpRequest request, CancellationToken cancellationToken) =>
        handlers.GetMetricsAsync(request, cancellationToken);

    [Function(MetricsFunctionNames.GetReport)]
    public Task<IResult> Report(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Report)] HttpRequest request, string period, CancellationToken cancellationToken) =>
        handlers.GetReportAsync(period, request, cancellationToken);
}
