using System.Collections.Concurrent;
using ReleaseManagement.Approvals;
using ReleaseManagement.Ports;

namespace ReleaseFunctions.TestSupport;

/// <summary>Delegations in memory: insert-once by id, as the table keeps them.</summary>
public sealed class InMemoryDelegationStore : IDelegationStore
{
    private readonly ConcurrentDictionary<string, Delegation> _kept = new(StringComparer.Ordinal);

    public Task<Delegation> AddAsync(Delegation delegation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delegation);
        return Task.FromResult(_kept.GetOrAdd(delegation.Id, delegation));
    }

    public Task<Delegation?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        Task.FromResult(_kept.TryGetValue(id, out var d) ? d : null);

    public Task<IReadOnlyList<Delegation>> ListByOwnerAsync(string owner, DateTimeOffset? activeAt = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(List(d => d.IsOwnedBy(owner), activeAt));

    public Task<IReadOnlyList<Delegation>> ListByDelegateAsync(string @delegate, DateTimeOffset? activeAt = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(List(d => d.IsDelegatedTo(@delegate), activeAt));

    public Task<Delegation?> CancelAsync(string id, DateTimeOffset at, string by, CancellationToken cancellationToken = default)
    {
        if (!_kept.TryGetValue(id, out _))
        {
            return Task.FromResult<Delegation?>(null);
        }

        return Task.FromResult<Delegation?>(_kept.AddOrUpdate(id, _ => throw new InvalidOperationException(), (_, d) => d.CancelledAt is null ? d with { CancelledAt = at, CancelledBy = by } : d));
    }

    private IReadOnlyList<Delegation> List(Func<Delegation, bool> whose, DateTimeOffset? activeAt) =>
        _kept.Values.Where(whose).Where(d => activeAt is not { } at || d.IsActive(at)).OrderBy(d => d.CreatedAt).ThenBy(d => d.Id, StringComparer.Ordinal).ToList();
}
