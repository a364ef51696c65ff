using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Metrics;

/// <summary>
/// Rollups and reports: folds a local day's events into <c>MetricsDaily</c> (idempotent: a re-run replaces the day's rows
/// with the same ones), loads a window's facts from the rollups (rolling up any finished day still missing), and builds
/// and stores reports.
/// </summary>
public sealed partial class MetricsService(
    IPipelineEventStore events,
    IReleaseStore releases,
    IApprovalHistory approvals,
    IMetricsDailyStore daily,
    IMetricsReportStore reports,
    ReleasePolicy policy,
    IOptions<MetricsOptions> options,
    TimeProvider time,
    ILogger<MetricsService> logger)
{
    public TimeZoneInfo Zone { get; } = PolicyTime.Zone(policy);

    public ReleasePolicy Policy => policy;

    public int DefaultDoraYear => options.Value.DoraYear;

    /// <summary>Today in the policy time zone.</summary>
    public DateOnly Today => PolicyTime.LocalDate(Zone, time.GetUtcNow());

    public MetricFactsBuilder NewBuilder() => new(events, releases, approvals, policy);

    /// <summary>Rolls up one local day: its facts split per system, plus the overall row (systemless facts, all counters).</summary>
    public async Task<IReadOnlyList<DailyRollup>> RollupDayAsync(DateOnly date, CancellationToken cancellationToken = default)
    {
        var (from, to) = ReportPeriod.Day(date).Bounds(Zone);
        var facts = await NewBuilder().BuildAsync(from, to, cancellationToken);
        var rows = Split(date, facts, time.GetUtcNow());
        await daily.ReplaceDayAsync(date, rows, cancellationToken);
        LogRolledUp(logger, date, facts.Count, rows.Count);
        return rows;
    }

    /// <summary>Rolls up yesterday, and any of the <see cref="MetricsOptions.RollupCatchUpDays"/> days before it not rolled up yet.</summary>
    public async Task<int> RunDailyRollupAsync(CancellationToken cancellationToken = default)
    {
        var yesterday = Today.AddDays(-1);
        var first = yesterday.AddDays(-options.Value.RollupCatchUpDays);
        var present = (await daily.ListAsync(first, yesterday, DailyRollup.Overall, cancellationToken)).Select(r => r.Date).ToHashSet();
        var count = 0;
        for (var d = first; d < yesterday; d = d.AddDays(1))
        {
            if (!present.Contains(d))
            {
                await RollupDayAsync(d, cancellationToken);
                count++;
            }
        }

        await RollupDayAsync(yesterday, cancellationToken);
        return count + 1;
    }

    internal static List<DailyRollup> Split(DateOnly date, MetricFacts facts, DateTimeOffset at)
    {
        var systems = facts.Deployments.Select(f => f.Segment.System)
            .Concat(facts.Rollbacks.Select(f => f.Segment.System))
            .Concat(facts.Incidents.Select(f => f.Segment.System))
            .Concat(facts.Recoveries.Select(f => f.Segment.System))
            .Concat(facts.TestRuns.Select(f => f.Segment.System))
            .Concat(facts.Approvals.Select(f => f.Segment.System))
            .OfType<string>()
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.Ordinal)
            .ToList();
        var rows = systems.Select(s =>
        {
            var f = facts.ForSystem(s);
            return new DailyRollup(date, s, f, DailyCounts.Of(f), at);
        }).ToList();
        var systemless = new MetricFacts
        {
            Deployments = facts.Deployments.Where(f => f.Segment.System is null).ToList(),
            Rollbacks = facts.Rollbacks.Where(f => f.Segment.System is null).ToList(),
            Incidents = facts.Incidents.Where(f => f.Segment.System is null).ToList(),
            Recoveries = facts.Recoveries.Where(f => f.Segment.System is null).ToList(),
            TestRuns = facts.TestRuns.Where(f => f.Segment.System is null).ToList(),
            Approvals = facts.Approvals.Where(f => f.Segment.System is null).ToList(),
        };
        rows.Add(new DailyRollup(date, DailyRollup.Overall, systemless, DailyCounts.Of(facts), at));
        return rows;
    }

    /// <summary>
    /// The facts of the local days [from, to) from the rollups (incremental). Finished days without a rollup are rolled up
    /// now (and stored); today is computed from the events without storing.
    /// </summary>
    public async Task<MetricFacts> LoadFactsAsync(DateOnly from, DateOnly to, string? system = null, CancellationToken cancellationToken = default)
    {
        var rows = await daily.ListAsync(from, to, system, cancellationToken);
        var parts = rows.Select(r => r.Facts).ToList();
        var present = rows.Where(r => r.System == DailyRollup.Overall).Select(r => r.Date).ToHashSet();
        var today = Today;
        for (var d = from; d < to && d <= today; d = d.AddDays(1))
        {
            if (present.Contains(d))
            {
                continue;
            }

            MetricFacts facts;
            if (d < today)
            {
                facts = MetricFacts.Combine((await RollupDayAsync(d, cancellationToken)).Select(r => r.Facts));
            }
            else
            {
                var (f, t) = ReportPeriod.Day(d).Bounds(Zone);
                facts = await NewBuilder().BuildAsync(f, t, cancellationToken);
            }

            parts.Add(system is null ? facts : facts.ForSystem(system));
        }

        return MetricFacts.Combine(parts);
    }

    /// <summary>The facts of [from, to) straight from the events (a full recompute, storing nothing).</summary>
    public Task<MetricFacts> RecomputeFactsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        NewBuilder().BuildAsync(from, to, cancellationToken);

    /// <summary>The report of <paramref name="period"/> as of now, from the rollups.</summary>
    public async Task<MetricsReport> BuildReportAsync(ReportPeriod period, string? system = null, int? doraYear = null, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var (from, to) = MetricsReportBuilder.FactsWindow(period, Zone, now);
        var facts = await LoadFactsAsync(PolicyTime.LocalDate(Zone, from), PolicyTime.LocalDate(Zone, to).AddDays(1), system, cancellationToken);
        return MetricsReportBuilder.Build(period, facts, policy, doraYear ?? options.Value.DoraYear, now, system);
    }

    /// <summary>Builds and stores the overall report of <paramref name="period"/>.</summary>
    public async Task<MetricsReport> GenerateAsync(ReportPeriod period, CancellationToken cancellationToken = default)
    {
        var report = await BuildReportAsync(period, cancellationToken: cancellationToken);
        await reports.SaveAsync(report, cancellationToken);
        LogReportStored(logger, period.Label, report.Overall.Deployments);
        return report;
    }

    /// <summary>The last complete period of <paramref name="kind"/> before today (local).</summary>
    public ReportPeriod LastCompletePeriod(PeriodKind kind) => ReportPeriod.Containing(kind, Today).Previous();

    [LoggerMessage(Level = LogLevel.Information, Message = "Rolled up {Date}: {Facts} facts in {Rows} rows")]
    private static partial void LogRolledUp(ILogger logger, DateOnly date, int facts, int rows);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored the {Period} report ({Deployments} deployments)")]
    private static partial void LogReportStored(ILogger logger, string period, int deployments);
}
