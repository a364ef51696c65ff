using System.Collections.Concurrent;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Policy;

/// <summary>
/// Which policy applies to a release: the one it was requested under, kept as a snapshot (<see cref="IPolicySnapshots"/>)
/// whose hash the release record names (<see cref="ReleaseRecord.PolicyHash"/>). The orchestration runs on the same policy
/// (its input carries it), so every view, notice and note that judges one release asks here and agrees with it; the
/// current policy (<see cref="Current"/>) is for what is not one release's: a new request, the calendar's windows, the
/// conflicts between releases, the metrics. Snapshots never change, so each is read from the store once per process.
/// </summary>
public sealed class ReleasePolicies(IPolicySnapshots snapshots, ReleasePolicy current)
{
    private readonly ConcurrentDictionary<string, ReleasePolicy> _known = new(StringComparer.Ordinal)
    {
        [Audit.CanonicalJson.PolicyHash(current)] = current,
    };

    /// <summary>The policy the host runs with now (loaded at start-up): the one a release requested now runs under.</summary>
    public ReleasePolicy Current => current;

    /// <summary>
    /// Keeps the current policy's snapshot and returns it; idempotent. Called at admission before the release record is
    /// stored, so a record never names a hash whose snapshot is missing.
    /// </summary>
    public async Task<PolicySnapshot> CaptureAsync(CancellationToken cancellationToken = default)
    {
        var snapshot = PolicySnapshot.Of(current);
        await snapshots.SaveAsync(snapshot, cancellationToken);
        return snapshot;
    }

    /// <summary>The policy <paramref name="release"/> runs under.</summary>
    /// <exception cref="InvalidOperationException">The record names a snapshot that is not kept (it never is stored before its snapshot).</exception>
    public Task<ReleasePolicy> ForAsync(ReleaseRecord release, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(release);
        return ForAsync(release.Request.Id, release.PolicyHash, cancellationToken);
    }

    /// <summary>
    /// The policy each of <paramref name="releases"/> runs under, by release id: each snapshot not yet known is read once,
    /// several at a time (a page of releases under many policies waits for the slowest read, not for their sum).
    /// </summary>
    /// <param name="releases">The releases.</param>
    /// <param name="unreadable">
    /// For a view of many releases: a release whose snapshot is missing or does not match its hash is told here and gets the
    /// current policy, so one damaged release does not take the whole page down (its own page still refuses to guess).
    /// Null (the default): that release's error is thrown.
    /// </param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    public async Task<IReadOnlyDictionary<string, ReleasePolicy>> ForAllAsync(
        IEnumerable<ReleaseRecord> releases, Action<ReleaseRecord, Exception>? unreadable = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(releases);
        var list = releases.ToArray();
        var byId = new ConcurrentDictionary<string, ReleasePolicy>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(
            list,
            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (release, ct) =>
            {
                try
                {
                    byId[release.Request.Id] = await ForAsync(release, ct);
                }
                catch (Exception e) when (unreadable is not null && e is InvalidOperationException or InvalidDataException)
                {
                    unreadable(release, e);
                    byId[release.Request.Id] = current;
                }
            });
        return byId;
    }

    private Task<ReleasePolicy> ForAsync(string releaseId, string? hash, CancellationToken cancellationToken) =>
        // A release stored before records named their policy (none should exist: admission names it on every record since
        // the snapshots were introduced, before the app was first deployed) is shown under the current policy.
        hash is null ? Task.FromResult(current) : ByHashAsync(releaseId, hash, cancellationToken);

    private async Task<ReleasePolicy> ByHashAsync(string releaseId, string hash, CancellationToken cancellationToken)
    {
        if (_known.TryGetValue(hash, out var known))
        {
            return known;
        }

        var snapshot = await snapshots.GetAsync(hash, cancellationToken)
            ?? throw new InvalidOperationException($"Release '{releaseId}' runs under policy {hash}, but no snapshot of it is kept.");
        if (!snapshot.IsIntact)
        {
            throw new InvalidDataException($"The policy snapshot {hash} of release '{releaseId}' does not match its hash.");
        }

        return _known.GetOrAdd(hash, snapshot.ToPolicy());
    }
}
