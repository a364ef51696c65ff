using ReleaseManagement.Policy;

namespace ReleaseManagement.Ports;

/// <summary>
/// Where the policies releases were requested under are kept, content-addressed by their SHA-256
/// (<see cref="PolicySnapshot.Hash"/>, the hash the audit trail records): a release record names its policy by that hash
/// (<see cref="Releases.ReleaseRecord.PolicyHash"/>), so views, notices and notes judge a release by the policy it runs
/// under after the current one changed. Write-once: a snapshot is never replaced or deleted by the app.
/// </summary>
public interface IPolicySnapshots
{
    /// <summary>Keeps <paramref name="snapshot"/>; idempotent (saving a hash already kept writes nothing and succeeds).</summary>
    Task SaveAsync(PolicySnapshot snapshot, CancellationToken cancellationToken = default);

    /// <summary>The snapshot kept under <paramref name="hash"/>, or null when none was.</summary>
    Task<PolicySnapshot?> GetAsync(string hash, CancellationToken cancellationToken = default);
}
