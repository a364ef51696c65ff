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
}
