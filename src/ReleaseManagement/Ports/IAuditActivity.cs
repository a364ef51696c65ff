namespace ReleaseManagement.Ports;

/// <summary>
/// The period index of the audit trail: which releases (and streams) have rows in which month (UTC, of the row's
/// <see cref="Audit.AuditEntry.At"/>). A mark is written before the row it stands for (<see cref="Audit.CheckpointedAuditTrail"/>),
/// so the index is never behind the trail; a mark whose row was never written is harmless (that trail is read and shows
/// nothing in the period). How an auditor's export of a period finds its releases without reading years of history
/// (<see cref="Audit.AuditPeriodExport"/>).
/// <para>
/// The daily whole-trail manifest (<see cref="Audit.AuditManifestJob"/>) reads it by the month a row was <em>written</em>:
/// a row is nearly always written in the month of its time, and a late one (an event that occurred in an earlier month,
/// an import) is marked for its month of writing as well (<see cref="MarkWrittenAsync"/>), so the marks of the months
/// since the previous manifest (<see cref="ReleaseIdsWrittenAsync"/>) name every trail written to since.
/// </para>
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

    /// <summary>
    /// Marks that <paramref name="releaseId"/>'s trail gets a row written in the month of <paramref name="writtenAt"/>
    /// (the clock's time), for a row whose own time is in another month; idempotent. By default a mark of that month as
    /// above (the period index stays a superset of the rows).
    /// </summary>
    Task MarkWrittenAsync(string releaseId, DateTimeOffset writtenAt, CancellationToken cancellationToken = default) =>
        MarkAsync(releaseId, writtenAt, cancellationToken);

    /// <summary>
    /// Every release and stream with a row in, or a row written in, a month that overlaps <paramref name="from"/>..<paramref name="to"/>
    /// (the marks of both kinds), each once: what the whole-trail manifest re-reads. By default <see cref="ReleaseIdsAsync"/>.
    /// </summary>
    Task<IReadOnlyList<string>> ReleaseIdsWrittenAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default) =>
        ReleaseIdsAsync(from, to, cancellationToken);
}
