using ReleaseManagement.Metrics;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Ports;

/// <summary>One system's (or, with <see cref="Overall"/>, the whole day's) rollup of a local day.</summary>
/// <param name="Facts">The system's facts of the day; the overall row holds the facts that name no system.</param>
/// <param name="Revision">The last time a recompute changed the day's facts after its first rollup, and why (null when never).</param>
public sealed record DailyRollup(DateOnly Date, string System, MetricFacts Facts, DailyCounts Counts, DateTimeOffset ComputedAt, DayRevision? Revision = null)
{
    public const string Overall = "*";
}

/// <summary>Counters of a rollup row, for reading at a glance (the facts are what reports use).</summary>
public sealed record DailyCounts(int Deployments, int SuccessfulDeployments, int Rollbacks, int Incidents, int Recoveries, int TestRuns, int ApprovalAsks)
{
    public static DailyCounts Of(MetricFacts f) => new(
        f.Deployments.Count, f.Deployments.Count(d => d.Succeeded), f.Rollbacks.Count, f.Incidents.Count, f.Recoveries.Count, f.TestRuns.Count, f.Approvals.Count);
}

/// <summary>When a recompute changed a rolled-up day's facts, and why (the stale mark's reason).</summary>
public sealed record DayRevision(DateTimeOffset At, string Reason);

/// <summary>
/// A durable mark that a rolled-up day's facts may be out of date (an event for it, or one that changes its facts, was stored
/// after it was rolled up). <paramref name="Version"/> is the store's concurrency token: clearing succeeds only when the mark
/// was not written again since it was read.
/// </summary>
public sealed record StaleDay(DateOnly Date, DateTimeOffset MarkedAt, string Reason, string Version);

/// <summary>
/// The daily rollups (table <c>MetricsDaily</c>): partition = local date, row = system or <c>*</c>; and the stale marks of
/// those days (row <see cref="StaleRow"/> of the same partition).
/// </summary>
public interface IMetricsDailyStore
{
    /// <summary>The row key of a day's stale mark: '%' never starts an encoded system name.</summary>
    const string StaleRow = "%stale";

    /// <summary>Replaces every row of <paramref name="date"/> with <paramref name="rows"/> (rows no longer produced are removed).</summary>
    Task ReplaceDayAsync(DateOnly date, IReadOnlyList<DailyRollup> rows, CancellationToken cancellationToken = default);

    /// <summary>The rows of the dates in [from, to), of one system (plus nothing else) or of all when <paramref name="system"/> is null.</summary>
    Task<IReadOnlyList<DailyRollup>> ListAsync(DateOnly from, DateOnly to, string? system = null, CancellationToken cancellationToken = default);

    /// <summary>The revisions of the days in [from, to) that have one (overall rows only; no facts read).</summary>
    Task<IReadOnlyList<(DateOnly Date, DayRevision Revision)>> ListRevisionsAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default);

    /// <summary>Marks the days stale (idempotent: marking again replaces the reason and the version).</summary>
    Task MarkStaleAsync(IReadOnlyCollection<DateOnly> dates, string reason, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>The stale marks of the days in [from, to).</summary>
    Task<IReadOnlyList<StaleDay>> ListStaleAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default);

    /// <summary>Removes the mark if it is still the one read (same version); false when it was marked again meanwhile or is gone.</summary>
    Task<bool> ClearStaleAsync(StaleDay mark, CancellationToken cancellationToken = default);
}

/// <summary>A stored report and whether it was emailed.</summary>
public sealed record StoredReport(MetricsReport Report, DateTimeOffset? EmailedAt, IReadOnlyList<string> EmailedTo);

/// <summary>The weekly, monthly and quarterly reports (table <c>MetricsReports</c>): partition = kind, row = period label.</summary>
public interface IMetricsReportStore
{
    /// <summary>Stores the report, replacing an earlier one of the same period but keeping its emailed state.</summary>
    Task SaveAsync(MetricsReport report, CancellationToken cancellationToken = default);

    Task<StoredReport?> GetAsync(ReportPeriod period, CancellationToken cancellationToken = default);

    Task MarkEmailedAsync(ReportPeriod period, DateTimeOffset at, IReadOnlyList<string> to, CancellationToken cancellationToken = default);
}

/// <summary>A system's reading stored by the post-release monitor, with the thresholds it crossed.</summary>
public sealed record StoredHealth(string ReleaseId, DateTimeOffset At, SystemHealth Health, bool Partial, string? Error, IReadOnlyList<string> Breaches);

/// <summary>Post-release health readings (table <c>ReleaseHealth</c>): partition = release, row = reading time and system.</summary>
public interface IReleaseHealthStore
{
    Task AddAsync(HealthReading reading, IReadOnlyDictionary<string, IReadOnlyList<string>> breachesBySystem, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<StoredHealth>> ListAsync(string releaseId, CancellationToken cancellationToken = default);
}

/// <summary>The releases the post-release monitor watches: phase PostRelease, status Active.</summary>
public interface IReleaseWatchList
{
    Task<IReadOnlyList<ReleaseRecord>> ListInWatchAsync(CancellationToken cancellationToken = default);
}

/// <summary>An approval ask of a role on a release's stage, resolved in a time range.</summary>
public sealed record ResolvedApprovalAsk(string ReleaseId, string Stage, string Role, ApprovalOutcome Outcome, DateTimeOffset ResolvedAt, DateTimeOffset? AskedAt);

/// <summary>What the rollup reads of approvals beyond a release's own rows.</summary>
public interface IApprovalHistory
{
    /// <summary>
    /// Asks resolved in [from, to): every decision, with the time the role was last asked before it; and every role asked
    /// on a stage whose links expired in the range without a decision of that role (a timeout).
    /// </summary>
    Task<IReadOnlyList<ResolvedApprovalAsk>> ListResolvedAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);

    /// <summary>Per stage of a release: when it was first asked and when its last decision came, for approval wait.</summary>
    Task<IReadOnlyList<(string Stage, DateTimeOffset FirstAsked, DateTimeOffset LastDecided, bool Approved)>> StageSpansAsync(string releaseId, CancellationToken cancellationToken = default);
}
