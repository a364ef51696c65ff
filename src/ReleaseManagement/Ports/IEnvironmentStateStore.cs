using ReleaseManagement.Events;

namespace ReleaseManagement.Ports;

/// <summary>
/// What the environments page reads: every cell's state, and, once the store was backfilled from the events stored before
/// it was kept, the start of the period that backfill read (the cells hold every event since then).
/// </summary>
public sealed record EnvironmentStateSnapshot(IReadOnlyList<EnvironmentCellState> Cells, DateTimeOffset? BackfilledFrom);

/// <summary>
/// The current state of every system in every environment (<see cref="EnvironmentCellState"/>), kept as deployment and
/// rollback events are stored (partition <c>!environments</c> of table <c>PipelineEvents</c> in Azure), so the
/// environments page reads one small partition instead of months of events.
/// </summary>
public interface IEnvironmentStateStore
{
    /// <summary>
    /// Merges each state into its stored cell (<see cref="EnvironmentCellState.Merge"/>): newest wins, so a late older event
    /// changes nothing and a retry is harmless. Safe under concurrent writers of the same cell.
    /// </summary>
    Task MergeAsync(IReadOnlyCollection<EnvironmentCellState> states, CancellationToken cancellationToken = default);

    /// <summary>Every cell (one query), and the backfill mark's start when it is written.</summary>
    Task<EnvironmentStateSnapshot> ReadAsync(CancellationToken cancellationToken = default);

    /// <summary>Writes the mark that the events stored from <paramref name="from"/> on have been merged into it.</summary>
    Task MarkBackfilledAsync(DateTimeOffset from, CancellationToken cancellationToken = default);
}
