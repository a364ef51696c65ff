using System.ComponentModel.DataAnnotations;

namespace ReleaseManagement.Metrics;

/// <summary>Settings under <c>Metrics</c> (app settings <c>Metrics__*</c>).</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>The DORA report year whose performance clusters band the keys (2021–2024); a request may ask for another.</summary>
    [Range(2021, 2024, ErrorMessage = "Metrics:DoraYear must be a DORA report year with known clusters: 2021, 2022, 2023 or 2024.")]
    public int DoraYear { get; set; } = DoraBands.DefaultYear;

    /// <summary>How many days back the daily rollup fills days it finds missing (besides yesterday).</summary>
    [Range(0, 366)]
    public int RollupCatchUpDays { get; set; } = 7;

    /// <summary>
    /// At most this many days of the metrics page's window (about seven months) the daily rollup fills per run when it finds
    /// them missing (a new store, an import), newest first: the page reads rollups only, so one run makes it whole.
    /// </summary>
    [Range(0, 1000)]
    public int RollupBackfillDays { get; set; } = 250;
}

/// <summary>
/// The timer schedules: six-field NCRONTAB (seconds first), UTC. The Functions triggers read the flat app settings named
/// here as <c>%Name%</c>; the local host reads the same names and falls back to these defaults.
/// </summary>
public static class MetricsSchedules
{
    public const string PostReleaseMonitorSetting = "PostReleaseMonitorSchedule";
    public const string DailyRollupSetting = "DailyRollupSchedule";
    public const string WeeklyReviewSetting = "WeeklyReviewSchedule";
    public const string MonthlyReportSetting = "MonthlyReportSchedule";
    public const string QuarterlyReportSetting = "QuarterlyReportSchedule";
    public const string StrandedReleasesSetting = "StrandedReleasesSchedule";
    public const string AuditManifestSetting = "AuditManifestSchedule";
    public const string HistoryPurgeSetting = "HistoryPurgeSchedule";

    /// <summary>Every 15 minutes.</summary>
    public const string PostReleaseMonitor = "0 */15 * * * *";

    /// <summary>Daily at 06:00 UTC (after midnight in every US time zone, so yesterday is over in the policy's zone).</summary>
    public const string DailyRollup = "0 0 6 * * *";

    /// <summary>Mondays at 07:00 UTC.</summary>
    public const string WeeklyReview = "0 0 7 * * 1";

    /// <summary>The 1st of every month at 07:00 UTC.</summary>
    public const string MonthlyReport = "0 0 7 1 * *";

    /// <summary>The 1st of January, April, July and October at 07:30 UTC.</summary>
    public const string QuarterlyReport = "0 30 7 1 1,4,7,10 *";

    /// <summary>Every 5 minutes (the stranded-release check).</summary>
    public const string StrandedReleases = "0 */5 * * * *";

    /// <summary>Daily at 00:30 UTC: the checkpoint of the whole audit trail (docs/security.md, "An audit trail that can't be rewritten quietly").</summary>
    public const string AuditManifest = "0 30 0 * * *";

    /// <summary>Daily at 01:15 UTC: the Durable Task history of releases ended longer ago than <c>History__Retention</c> is purged (docs/operations.md).</summary>
    public const string HistoryPurge = "0 15 1 * * *";

    /// <summary>
    /// A schedule in words for a reader: "daily at 06:00 UTC" for a daily one (<c>0 M H * * *</c>), else the expression.
    /// </summary>
    public static string Describe(string schedule)
    {
        var f = schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return f.Length == 6 && f[0] == "0" && int.TryParse(f[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var m)
            && int.TryParse(f[2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var h) && f[3..].All(x => x == "*")
            && m is >= 0 and < 60 && h is >= 0 and < 24
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"daily at {h:00}:{m:00} UTC")
            : $"on the schedule {schedule} (UTC)";
    }

    public static readonly IReadOnlyDictionary<string, string> Defaults = new Dictionary<string, string>
    {
        [PostReleaseMonitorSetting] = PostReleaseMonitor,
        [DailyRollupSetting] = DailyRollup,
        [WeeklyReviewSetting] = WeeklyReview,
        [MonthlyReportSetting] = MonthlyReport,
        [QuarterlyReportSetting] = QuarterlyReport,
        [StrandedReleasesSetting] = StrandedReleases,
        [AuditManifestSetting] = AuditManifest,
        [HistoryPurgeSetting] = HistoryPurge,
    };
}
