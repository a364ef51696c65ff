using ReleaseManagement.Policy;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Metrics;

/// <summary>
/// What a reader is shown of the local days [from, to): the facts of the stored rollups (and of today, from its events),
/// the finished days that have no rollup yet (never counted as zeros: the reader says they are not computed yet), the days
/// a late event marked stale (their stored figures, recomputed by the next daily rollup) and when the latest rollup read
/// was computed.
/// </summary>
public sealed record StoredFacts(MetricFacts Facts, IReadOnlyList<DateOnly> Missing, IReadOnlyList<DateOnly> Stale, DateTimeOffset? ComputedAt)
{
    /// <summary>Whether every finished day of [from, to) has a rollup.</summary>
    public bool Complete(DateOnly from, DateOnly to) => !Missing.Any(d => d >= from && d < to);
}

public sealed partial class MetricsService
{
    /// <summary>
    /// The local days the metrics page can show as of <paramref name="now"/>: the current month's report window (its
    /// six-month trend and the failure attribution window), which holds the current quarter's own days too.
    /// </summary>
    public (DateOnly From, DateOnly To) PageDays(DateTimeOffset now)
    {
        var month = ReportPeriod.Containing(PeriodKind.Month, PolicyTime.LocalDate(Zone, now));
        var (from, to) = MetricsReportBuilder.FactsWindow(month, Zone, now);
        return (PolicyTime.LocalDate(Zone, from), PolicyTime.LocalDate(Zone, to).AddDays(1));
    }

    /// <summary>
    /// The facts of the local days [from, to) as stored: reads the rollups and the stale marks, rolls up and stores nothing.
    /// A finished day without a rollup is listed in <see cref="StoredFacts.Missing"/>; a day marked stale keeps its stored
    /// figures and is listed in <see cref="StoredFacts.Stale"/>; today (never stored) is read from its own events.
    /// </summary>
    public async Task<StoredFacts> ReadStoredFactsAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        // The stale marks, the rollups and today's facts read nothing of each other: at once.
        var today = Today;
        var staleRead = daily.ListStaleAsync(from, to < today ? to : today, cancellationToken);
        var rowsRead = daily.ListAsync(from, to, cancellationToken: cancellationToken);
        var todayRead = TodayFactsAsync(today, from, to, cancellationToken);
        await Task.WhenAll(staleRead, rowsRead, todayRead);
        var (stale, rows) = (staleRead.Result, rowsRead.Result);
        var present = rows.Where(r => r.System == DailyRollup.Overall).Select(r => r.Date).ToHashSet();
        var missing = new List<DateOnly>();
        for (var d = from; d < to && d < today; d = d.AddDays(1))
        {
            if (!present.Contains(d))
            {
                missing.Add(d);
            }
        }

        var parts = rows.Select(r => r.Facts).ToList();
        if (todayRead.Result is { } todays)
        {
            parts.Add(todays);
        }

        var computedAt = rows.Count == 0 ? (DateTimeOffset?)null : rows.Max(r => r.ComputedAt);
        return new StoredFacts(MetricFacts.Combine(parts), missing, [.. stale.Select(m => m.Date).Where(present.Contains).Order()], computedAt);
    }

    // Today's facts when [from, to) holds today (it is never stored); null when it does not.
    private async Task<MetricFacts?> TodayFactsAsync(DateOnly today, DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        from > today || today >= to ? null : await FactsSoFarAsync(today, cancellationToken);

    /// <summary>
    /// The facts of <paramref name="today"/> from its own events, up to now: an ask whose link expires later today is still
    /// open (its approver may yet answer), not timed out. The one rule for today, for the page and for reports.
    /// </summary>
    private Task<MetricFacts> FactsSoFarAsync(DateOnly today, CancellationToken cancellationToken)
    {
        var (start, end) = ReportPeriod.Day(today).Bounds(Zone);
        var now = time.GetUtcNow();
        return NewBuilder().BuildAsync(start, now < end ? now : end, cancellationToken);
    }

    // The finished days of the page's window without a rollup, newest first, at most RollupBackfillDays of them: the daily
    // rollup fills them so that the page, which computes nothing, shows them.
    private async Task<IReadOnlyList<DateOnly>> PageDaysMissingAsync(DateOnly today, CancellationToken cancellationToken)
    {
        var (from, to) = PageDays(time.GetUtcNow());
        to = to < today ? to : today;
        var present = (await daily.ListAsync(from, to, DailyRollup.Overall, cancellationToken)).Select(r => r.Date).ToHashSet();
        return [.. Enumerable.Range(0, Math.Max(0, to.DayNumber - from.DayNumber)).Select(i => to.AddDays(-1 - i))
            .Where(d => !present.Contains(d)).Take(options.Value.RollupBackfillDays)];
    }
}
