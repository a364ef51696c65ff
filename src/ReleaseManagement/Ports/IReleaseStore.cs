using ReleaseManagement.Releases;

namespace ReleaseManagement.Ports;

/// <summary>Where releases are kept (table <c>Releases</c> in Azure).</summary>
public interface IReleaseStore
{
    /// <summary>Stores a new release; returns false, changing nothing, when the id is taken.</summary>
    Task<bool> TryCreateAsync(ReleaseRecord record, CancellationToken cancellationToken = default);

    Task<ReleaseRecord?> GetAsync(string releaseId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies one write by what it means (<see cref="ReleaseWrite"/>): a <see cref="ReleaseStatusChange"/> replaces the
    /// standing and adds its line, a <see cref="TimelineNote"/> adds (or rewrites) its line only, a
    /// <see cref="WarningChange"/> sets and clears warnings only. Idempotent: applying the same write again leaves the same
    /// state (a line is keyed by its writer and sequence).
    /// </summary>
    Task ApplyAsync(ReleaseWrite write, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies several writes in their order, as <see cref="ApplyAsync"/> one after another would (a store may write them
    /// together: the table store does, in one transaction of the release's partition). Idempotent likewise.
    /// </summary>
    async Task ApplyAllAsync(IReadOnlyList<ReleaseWrite> writes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writes);
        foreach (var write in writes)
        {
            await ApplyAsync(write, cancellationToken);
        }
    }

    /// <summary>The release's timeline, in time order (then writer, then sequence).</summary>
    Task<IReadOnlyList<TimelineEntry>> GetTimelineAsync(string releaseId, CancellationToken cancellationToken = default);

    /// <summary>Releases matching the query, newest first (what a store reads for it: <see cref="ReleaseQuery"/>).</summary>
    Task<IReadOnlyList<ReleaseRecord>> ListAsync(ReleaseQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every active release, newest first: the board, the calendar, the monitor's watch list and the stranded-release check
    /// start from these. The table store reads one partition made for them and the rows of those releases (a cost bounded by
    /// the releases in flight, not by the years of history); this default filters <see cref="ListAsync"/>.
    /// </summary>
    Task<IReadOnlyList<ReleaseRecord>> ListActiveAsync(CancellationToken cancellationToken = default) =>
        ListAsync(new ReleaseQuery(Status: ReleaseStatus.Active, Max: int.MaxValue), cancellationToken);

    /// <summary>
    /// The releases the admission rules count (<see cref="ReleaseStatus.Active"/> or <see cref="ReleaseStatus.Completed"/>)
    /// that touch one of <paramref name="systems"/> (case-insensitively) with a target date from <paramref name="from"/> to
    /// <paramref name="to"/> (both inclusive). Each record holds what the rules read: the id, type, systems and target date
    /// of its request, and its status (a store may leave the rest empty). The table store reads its admission index, one
    /// partition per system and month (a bounded read whatever the size of the table); this default filters
    /// <see cref="ListAsync"/>.
    /// </summary>
    async Task<IReadOnlyList<ReleaseRecord>> NeighboursAsync(
        IReadOnlyCollection<string> systems, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(systems);
        var listed = await ListAsync(new ReleaseQuery(Max: int.MaxValue, TargetFrom: from, TargetTo: to), cancellationToken);
        return listed
            .Where(r => r.Status is ReleaseStatus.Active or ReleaseStatus.Completed
                && r.Request.Systems.Any(s => systems.Contains(s, StringComparer.OrdinalIgnoreCase)))
            .ToArray();
    }

    /// <summary>
    /// Moves <paramref name="current"/> in the admission index to the target date of <paramref name="next"/> ahead of the
    /// release row (a reschedule, before its orchestration writes the new date), so that the next request already sees the
    /// release where it is going. Idempotent. Nothing by default (a store without an index).
    /// </summary>
    Task ReindexAsync(ReleaseRecord current, ReleaseRecord next, CancellationToken cancellationToken = default) => Task.CompletedTask;
}
