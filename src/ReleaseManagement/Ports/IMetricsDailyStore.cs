namespace ReleaseManagement.Ports;

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
