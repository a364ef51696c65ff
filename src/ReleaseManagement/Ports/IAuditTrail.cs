using ReleaseManagement.Audit;

namespace ReleaseManagement.Ports;

/// <summary>
/// A release's audit trail: append-only, hash-chained rows in order (table <c>ReleaseAudit</c> in Azure: partition =
/// release id, row key = zero-padded sequence, beside an index of event keys and a head that keeps an append's cost
/// constant).
/// </summary>
public interface IAuditTrail
{
    /// <summary>
    /// Appends <paramref name="entry"/> as the next row of its release's chain and returns it. Idempotent on
    /// <see cref="AuditEntry.EventKey"/>: when a row with that key exists, that row is returned and nothing is added.
    /// Safe under concurrent appends to one release (each lands on its own sequence, the chain stays whole).
    /// </summary>
    Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default);

    /// <summary>The release's rows as stored, in sequence order (nothing is checked here: see <see cref="AuditChain.Verify"/>).</summary>
    Task<IReadOnlyList<AuditRecord>> ReadAsync(string releaseId, CancellationToken cancellationToken = default);
}
