namespace ReleaseManagement.Azure.Tables;

/// <summary>
/// A store whose first-use setup (its tables created, a backfill mark read: <see cref="FirstUse"/>) an instance runs when it
/// starts, so that no request waits on it (<c>StorageWarmUp</c> in the hosts' composition). The setup stays shared: a request
/// that comes while it runs joins it, and a setup that failed (storage down at start) is run again by the next use.
/// </summary>
public interface IStorageWarmUp
{
    /// <summary>Runs the store's first-use setup unless it ran; <paramref name="cancellationToken"/> stops the wait, not the setup.</summary>
    Task WarmUpAsync(CancellationToken cancellationToken);
}
