using ReleaseManagement.Audit;
using ReleaseManagement.Ports;

namespace ReleaseFunctions.TestSupport;

/// <summary>
/// The hash-chained audit trail in memory, for tests that compose a handler or activity without storage: the same chain
/// (<see cref="AuditChain.Seal"/>) and the same idempotency on the event key as the table trail.
/// </summary>
public sealed class InMemoryAuditTrail : IAuditTrail
{
    /// <summary>The tests' audit key (<see cref="AuditTestKeys"/>), with which these rows are sealed and verify.</summary>
    public static AuditKeys Keys { get; } = AuditKeys.Single(AuditTestKeys.KeyId, AuditTestKeys.Key);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<AuditRecord>> _rows = new(StringComparer.Ordinal);

    public Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_gate)
        {
            if (!_rows.TryGetValue(entry.ReleaseId, out var rows))
            {
                rows = [];
                _rows[entry.ReleaseId] = rows;
            }

            if (rows.FirstOrDefault(r => string.Equals(r.Entry.EventKey, entry.EventKey, StringComparison.Ordinal)) is { } existing)
            {
                return Task.FromResult(existing);
            }

            var last = rows.Count == 0 ? null : rows[^1];
            var record = AuditChain.Seal(entry, (last?.Sequence ?? 0) + 1, last?.Hash ?? AuditChain.Genesis, Keys);
            rows.Add(record);
            return Task.FromResult(record);
        }
    }

    public Task<IReadOnlyList<AuditRecord>> ReadAsync(string releaseId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<AuditRecord> rows = _rows.TryGetValue(releaseId, out var list) ? [.. list] : [];
            return Task.FromResult(rows);
        }
    }
}
