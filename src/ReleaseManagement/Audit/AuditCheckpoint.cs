using ReleaseManagement.Ports;

namespace ReleaseManagement.Audit;

/// <summary>
/// A copy of a release's audit head kept outside the audit table (<see cref="IAuditCheckpoints"/>: an append-only,
/// immutable blob container in Azure): how many rows the trail had and the last row's hash. The chain alone cannot show
/// that its last rows were deleted (what is left is a shorter, intact chain); compared with the latest checkpoint it can.
/// </summary>
public sealed record AuditCheckpoint(string ReleaseId, long Count, string LastHash, DateTimeOffset At);

/// <summary>
/// The audit trail with a checkpoint after every append: each row appended (or found again on a retry) is followed by a
/// checkpoint of it, so the latest checkpoint is never behind the trail by more than an append in flight. Before the row,
/// the month of the row is marked in the period index (<see cref="IAuditActivity"/>), so the index is never behind the
/// trail either (a mark whose row then failed is harmless). A late row (its time in another month than the
/// <paramref name="time"/>'s, default the system clock: an event that occurred earlier, an import) is also marked for the
/// month it is written in (<see cref="IAuditActivity.MarkWrittenAsync"/>), so the daily manifest, which re-reads the trails
/// marked since the previous one, finds it. Reads are the inner trail's.
/// </summary>
public sealed class CheckpointedAuditTrail(IAuditTrail inner, IAuditCheckpoints checkpoints, IAuditActivity activity, TimeProvider? time = null) : IAuditTrail
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public async Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await activity.MarkAsync(entry.ReleaseId, entry.At, cancellationToken);
        var now = _time.GetUtcNow();
        if (!SameMonth(now, entry.At))
        {
            await activity.MarkWrittenAsync(entry.ReleaseId, now, cancellationToken);
        }

        var record = await inner.AppendAsync(entry, cancellationToken);
        if (!SameMonth(record.Entry.At, entry.At))
        {
            // A retry found the row written first, with another time: its month was marked then (or by the backfill); mark
            // it again all the same, an idempotent write.
            await activity.MarkAsync(entry.ReleaseId, record.Entry.At, cancellationToken);
        }

        await checkpoints.RecordAsync(new AuditCheckpoint(entry.ReleaseId, record.Sequence, record.Hash, record.Entry.At), cancellationToken);
        return record;
    }

    public Task<IReadOnlyList<AuditRecord>> ReadAsync(string releaseId, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(releaseId, cancellationToken);

    private static bool SameMonth(DateTimeOffset a, DateTimeOffset b) =>
        a.UtcDateTime.Year == b.UtcDateTime.Year && a.UtcDateTime.Month == b.UtcDateTime.Month;
}
