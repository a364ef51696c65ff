using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Metrics;

/// <summary>
/// Rollups and reports: folds a local day's events into <c>MetricsDaily</c> (idempotent: a re-run replaces the day's rows
/// with the same ones), loads a window's facts from the rollups (rolling up any finished day still missing or marked stale
/// by a late event, see <see cref="LateEventMarker"/>), and builds, stores and revises reports.
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
    ILogger<MetricsService> logger,
    IFeedbackStore feedback,
    IObjectiveStore objectiveVerdicts)
{
    public TimeZoneInfo Zone { get; } = PolicyTime.Zone(policy);

    public ReleasePolicy Policy => policy;

    public int DefaultDoraYear => options.Value.DoraYear;

    /// <summary>Today in the policy time zone.</summary>
    public DateOnly Today => PolicyTime.LocalDate(Zone, time.GetUtcNow());

    public MetricFactsBuilder NewBuilder() => new(events, releases, approvals, policy);

    /// <summary>Rolls up one local day: its facts split per system, plus the overall row (systemless facts, all counters).</summary>
    public Task<IReadOnlyList<DailyRollup>> RollupDayAsync(DateOnly date, CancellationToken cancellationToken = default) =>
        RollupDayAsync(date, null, cancellationToken);

    /// <summary>
    /// Rolls up one local day. When the day was rolled up before and its facts changed, the rows carry a revision (now, and the
    /// stale mark's reason), which tells stored reports built earlier to rebuild; unchanged facts keep the earlier revision. A
    /// <paramref name="stale"/> mark read before the recompute is cleared after it, unless it was written again meanwhile.
    /// </summary>
    private async Task<IReadOnlyList<DailyRollup>> RollupDayAsync(DateOnly date, StaleDay? stale, CancellationToken cancellationToken)
    {
        var before = await daily.ListAsync(date, date.AddDays(1), cancellationToken: cancellationToken);
        var (from, to) = ReportPeriod.Day(date).Bounds(Zone);
        var facts = await NewBuilder().BuildAsync(from, to, cancellationToken);
        var now = time.GetUtcNow();
        var rows = Split(date, facts, now);
        var earlier = before.FirstOrDefault(r => r.System == DailyRollup.Overall)?.Revision;
        var revision = before.Count > 0 && !SameFacts(before, rows)
            ? new DayRevision(now, stale?.Reason ?? "recomputed with events stored after its earlier rollup")
            : earlier;
        if (revision is not null)
        {
            rows = rows.Select(r => r with { Revision = revision }).ToList();
        }

        await daily.ReplaceDayAsync(date, rows, cancellationToken);
        LogRolledUp(logger, date, facts.Count, rows.Count);
        if (revision is not null && revision != earlier)
        {
            LogRevised(logger, date, revision.Reason);
        }

        if (stale is not null && !await daily.ClearStaleAsync(stale, cancellationToken))
        {
            LogStillStale(logger, date);
        }

        return rows;
    }

    private static bool SameFacts(IReadOnlyList<DailyRollup> a, IReadOnlyList<DailyRollup> b)
    {
        static string Key(IEnumerable<DailyRollup> rows) => System.Text.Json.JsonSerializer.Serialize(
            rows.OrderBy(r => r.System, StringComparer.Ordinal).Select(r => new { r.System, r.Facts }));
        return Key(a) == Key(b);
    }

    /// <summary>How many days the daily rollup rolls up at once.</summary>
    public const int RollupConcurrency = 4;

    /// <summary>
    /// Rolls up yesterday, any of the <see cref="MetricsOptions.RollupCatchUpDays"/> days before it not rolled up yet, the
    /// days of the metrics page's window (<see cref="PageDays"/>) not rolled up yet (newest first, at most
    /// <see cref="MetricsOptions.RollupBackfillDays"/>), and every day marked stale (a late event); returns how many days
    /// were rolled up. The metrics page computes nothing: this is what fills and refreshes what it shows.
    /// </summary>
    public async Task<int> RunDailyRollupAsync(CancellationToken cancellationToken = default)
    {
        var today = Today;
        var yesterday = today.AddDays(-1);
        var first = yesterday.AddDays(-options.Value.RollupCatchUpDays);
        var stale = (await daily.ListStaleAsync(DateOnly.MinValue, today, cancellationToken)).ToDictionary(m => m.Date);
        var present = (await daily.ListAsync(first, yesterday, DailyRollup.Overall, cancellationToken)).Select(r => r.Date).ToHashSet();
        var days = new SortedSet<DateOnly>(stale.Keys) { yesterday };
        for (var d = first; d < yesterday; d = d.AddDays(1))
        {
            if (!present.Contains(d))
            {
                days.Add(d);
            }
        }

        days.UnionWith(await PageDaysMissingAsync(today, cancellationToken));
        await Parallel.ForEachAsync(
            days,
            new ParallelOptions { MaxDegreeOfParallelism = RollupConcurrency, CancellationToken = cancellationToken },
            async (d, ct) => await RollupDayAsync(d, stale.GetValueOrDefault(d), ct));
        return days.Count;
    }

    /// <summary>Recomputes the days in [from, to) (before today) marked stale; returns them.</summary>
    public async Task<IReadOnlyList<DateOnly>> RefreshStaleAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        var today = Today;
        var marks = await daily.ListStaleAsync(from, to < today ? to : today, cancellationToken);
        foreach (var mark in marks.OrderBy(m => m.Date))
        {
            await RollupDayAsync(mark.Date, mark, cancellationToken);
        }

        return marks.Select(m => m.Date).ToList();
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
    /// The facts of the local days [from, to) from the rollups (incremental). Finished days without a rollup, or marked stale
    /// by a late event, are rolled up now (and stored); today is computed from the events up to now without storing.
    /// </summary>
    public async Task<MetricFacts> LoadFactsAsync(DateOnly from, DateOnly to, string? system = null, CancellationToken cancellationToken = default)
    {
        var today = Today;
        // The marks first: a day marked after this read is recomputed by the next one.
        var stale = (await daily.ListStaleAsync(from, to < today ? to : today, cancellationToken)).ToDictionary(m => m.Date);
        var rows = (await daily.ListAsync(from, to, system, cancellationToken)).Where(r => !stale.ContainsKey(r.Date)).ToList();
        var parts = rows.Select(r => r.Facts).ToList();
        var present = rows.Where(r => r.System == DailyRollup.Overall).Select(r => r.Date).ToHashSet();
        for (var d = from; d < to && d <= today; d = d.AddDays(1))
        {
            if (present.Contains(d))
            {
                continue;
            }

            MetricFacts facts;
            if (d < today)
            {
                facts = MetricFacts.Combine((await RollupDayAsync(d, stale.GetValueOrDefault(d), cancellationToken)).Select(r => r.Facts));
            }
            else
            {
                facts = await FactsSoFarAsync(d, cancellationToken);
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
        var report = MetricsReportBuilder.Build(period, facts, policy, doraYear ?? options.Value.DoraYear, now, system);
        var (satisfaction, objectives) = await AfterTheReleaseAsync(facts, report.From, report.To, cancellationToken);
        return report with { SatisfactionByReleaseType = satisfaction, Objectives = objectives };
    }

    // The releases successfully deployed to production in the period, each with its feedback links and its objectives'
    // verdicts (a partition read each), judged by the policy's success criteria: what the reports say of them after release.
    private async Task<(IReadOnlyList<Feedback.SatisfactionSegment>, Objectives.ObjectiveTally)> AfterTheReleaseAsync(
        MetricFacts facts, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var deployed = facts.Deployments
            .Where(d => d.Succeeded && d.At >= from && d.At < to && d.Segment is { ReleaseId: not null, Type: not null })
            .GroupBy(d => d.Segment.ReleaseId!, StringComparer.Ordinal)
            .Select(g => (Id: g.Key, Type: g.First().Segment.Type!.Value))
            .ToArray();
        var answers = new List<(Releases.ReleaseType, IReadOnlyList<Feedback.FeedbackLink>)>();
        var objectives = new List<(IReadOnlyList<Objectives.BusinessObjective>, IReadOnlyList<Objectives.ObjectiveVerdict>)>();
        foreach (var (id, type) in deployed)
        {
            answers.Add((type, await feedback.ListAsync(id, cancellationToken)));
            if ((await releases.GetAsync(id, cancellationToken))?.Request.Objectives is { Count: > 0 } list)
            {
                objectives.Add((list, await objectiveVerdicts.ListAsync(id, cancellationToken)));
            }
        }

        return (Feedback.SatisfactionSegment.ByReleaseType(answers, policy.SuccessCriteria), Objectives.ObjectiveTally.Of(objectives));
    }

    /// <summary>Builds and stores the overall report of <paramref name="period"/>.</summary>
    public async Task<MetricsReport> GenerateAsync(ReportPeriod period, CancellationToken cancellationToken = default)
    {
        var report = await BuildReportAsync(period, cancellationToken: cancellationToken);
        await reports.SaveAsync(report, cancellationToken);
        LogReportStored(logger, period.Label, report.Overall.Deployments);
        return report;
    }

    /// <summary>
    /// The stored report of <paramref name="period"/>, or null when none was stored. When a day it was built from was revised
    /// since (a late event: the stale days of its window are recomputed first), it is rebuilt now, flagged revised (when and
    /// why) and stored again; its emailed state is kept and it is not emailed again.
    /// </summary>
    public async Task<StoredReport?> GetStoredReportAsync(ReportPeriod period, CancellationToken cancellationToken = default)
    {
        var stored = await reports.GetAsync(period, cancellationToken);
        if (stored is null)
        {
            return null;
        }

        var generatedAt = stored.Report.GeneratedAt;
        var (f, t) = MetricsReportBuilder.FactsWindow(period, Zone, generatedAt);
        var from = PolicyTime.LocalDate(Zone, f);
        var to = PolicyTime.LocalDate(Zone, t).AddDays(1);
        await RefreshStaleAsync(from, to, cancellationToken);
        var revisions = (await daily.ListRevisionsAsync(from, to, cancellationToken)).Where(r => r.Revision.At > generatedAt).OrderBy(r => r.Date).ToList();
        if (revisions.Count == 0)
        {
            return stored;
        }

        var rebuilt = await BuildReportAsync(period, stored.Report.System, stored.Report.DoraYear, cancellationToken);
        var because = revisions.Select(r => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{r.Date:yyyy-MM-dd}: {r.Revision.Reason}")).ToList();
        rebuilt = rebuilt with
        {
            Revised = true,
            RevisedAt = rebuilt.GeneratedAt,
            RevisedBecause = [.. stored.Report.RevisedBecause.Except(because), .. because],
        };
        await reports.SaveAsync(rebuilt, cancellationToken);
        LogReportRevised(logger, period.Label, revisions.Count);
        return stored with { Report = rebuilt };
    }

    /// <summary>The last complete period of <paramref name="kind"/> before today (local).</summary>
    public ReportPeriod LastCompletePeriod(PeriodKind kind) => ReportPeriod.Containing(kind, Today).Previous();

    [LoggerMessage(Level = LogLevel.Information, Message = "Rolled up {Date}: {Facts} facts in {Rows} rows")]
    private static partial void LogRolledUp(ILogger logger, DateOnly date, int facts, int rows);

    [LoggerMessage(Level = LogLevel.Information, Message = "Revised {Date}: {Reason}")]
    private static partial void LogRevised(ILogger logger, DateOnly date, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Date} was marked stale again while it was recomputed: it stays stale")]
    private static partial void LogStillStale(ILogger logger, DateOnly date);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rebuilt the stored {Period} report: {Days} of its days were revised since it was built")]
    private static partial void LogReportRevised(ILogger logger, string period, int days);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored the {Period} report ({Deployments} deployments)")]
    private static partial void LogReportStored(ILogger logger, string period, int deployments);
}
