using ReleaseManagement.Releases;

namespace ReleaseManagement.Ports;

/// <summary>Where releases are kept (table <c>Releases</c> in Azure).</summary>
public interface IReleaseStore
{
    /// <summary>Stores a new release; returns false, changing nothing, when the id is taken.</summary>
    Task<bool> TryCreateAsync(ReleaseRecord record, CancellationToken cancellationToken = default);

    Task<ReleaseRecord?> GetAsync(string releaseId, CancellationToken cancellationToken = default);

    /// <summary>Applies a status update. Idempotent: applying the same update again leaves the same state.</summary>
    Task ApplyAsync(ReleaseStatusUpdate update, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies several updates in their order, as <see cref="ApplyAsync"/> one after another would (a store may write them
    /// together: the table store does, in one transaction of the release's partition). Idempotent likewise.
    /// </summary>
    async Task ApplyAllAsync(IReadOnlyList<ReleaseStatusUpdate> updates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(updates);
        foreach (var update in updates)
        {
            await ApplyAsync(update, cancellationToken);
        }
    }

    /// <summary>The release's timeline, in time order (then sequence).</summary>
    Task<IReadOnlyList<TimelineEntry>> GetTimelineAsync(string releaseId, CancellationToken cancellationToken = default);

    /// <summary>Releases matching the query, newest first.</summary>
    Task<IReadOnlyList<ReleaseRecord>> ListAsync(ReleaseQuery query, CancellationToken cancellationToken = default);
}
