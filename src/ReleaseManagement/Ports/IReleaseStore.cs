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

    /// <summary>Releases matching the query, newest first.</summary>
    Task<IReadOnlyList<ReleaseRecord>> ListAsync(ReleaseQuery query, CancellationToken cancellationToken = default);
}
