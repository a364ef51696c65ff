using ReleaseManagement.Releases;

namespace ReleaseManagement.Ports;

/// <summary>The releases the post-release monitor watches: phase PostRelease, status Active.</summary>
public interface IReleaseWatchList
{
    Task<IReadOnlyList<ReleaseRecord>> ListInWatchAsync(CancellationToken cancellationToken = default);
}
