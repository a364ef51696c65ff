namespace ReleaseManagement.Ports;

/// <summary>
/// The period index of the audit trail: which releases (and streams) have rows in which month (UTC, of the row's
/// <see cref="Audit.AuditEntry.At"/>). A mark is written before the row it stands for (<see cref="Audit.CheckpointedAuditTrail"/>),
/// so the index is never behind the trail; a mark whose row was never written is harmless (that trail is read and shows
/// nothing in the period). How an auditor's export of a period finds its releases without reading years of history
/// (<see cref="Audit.AuditPeriodExport"/>).
/// </summary>
public interface IAuditActivity
{
    /// <summary>Marks that <paramref name="releaseId"/> has a row in the month of <paramref name="at"/>; idempotent.</summary>
    Task MarkAsync(string releaseId, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every release and stream with a mark in a month that overlaps <paramref name="from"/>..<paramref name="to"/> (UTC
    /// days, both included), each once, in no particular order: a superset of those with rows in the period.
    /// </summary>
    Task<IReadOnlyList<string>> ReleaseIdsAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default);
}
