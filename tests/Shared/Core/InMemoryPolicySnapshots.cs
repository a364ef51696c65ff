using System.Collections.Concurrent;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;

namespace ReleaseFunctions.TestSupport;

/// <summary>Policy snapshots in memory, write-once by hash as the blob store keeps them.</summary>
public sealed class InMemoryPolicySnapshots : IPolicySnapshots
{
    private readonly ConcurrentDictionary<string, PolicySnapshot> _kept = new(StringComparer.Ordinal);

    /// <summary>How many saves were asked for (a save of a kept hash counts, and writes nothing).</summary>
    public int Saves => _saves;

    private int _saves;

    public IReadOnlyCollection<string> Hashes => _kept.Keys.ToArray();

    public Task SaveAsync(PolicySnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (!snapshot.IsIntact)
        {
            throw new ArgumentException($"The snapshot's hash {snapshot.Hash} is not the SHA-256 of its canonical JSON.", nameof(snapshot));
        }

        Interlocked.Increment(ref _saves);
        _kept.TryAdd(snapshot.Hash, snapshot);
        return Task.CompletedTask;
    }

    public Task<PolicySnapshot?> GetAsync(string hash, CancellationToken cancellationToken = default) =>
        Task.FromResult(_kept.GetValueOrDefault(hash));
}
