using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Events;

/// <summary>
/// Keeps the environments page's cells (<see cref="IEnvironmentStateStore"/>) as deployment and rollback events are stored.
/// An event that carries no system counts for every system of the release it names: the release is read (one point read)
/// when the event is stored, as its systems are fixed at its request; an event naming an unknown release counts for none,
/// as on the page before. Idempotent: merging the same event again changes nothing.
/// </summary>
public sealed class EnvironmentStateWriter(IEnvironmentStateStore state, IReleaseStore releases)
{
    /// <summary>Merges <paramref name="evt"/> into its cells; nothing for an event the page does not show.</summary>
    public async Task RecordAsync(CanonicalEvent evt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evt);
        if (!EnvironmentCellState.Counts(evt))
        {
            return;
        }

        IReadOnlyList<string>? named = null;
        if (evt.System is not { Length: > 0 } && evt.ReleaseId is { } id && ReleaseIds.IsValid(id))
        {
            named = (await releases.GetAsync(id, cancellationToken))?.Request.Systems;
        }

        var cells = EnvironmentCellState.SystemsOf(evt, named).Select(system => EnvironmentCellState.Of(evt, system)).ToArray();
        if (cells.Length > 0)
        {
            await state.MergeAsync(cells, cancellationToken);
        }
    }

    /// <summary>
    /// Merges the events stored from <paramref name="from"/> on, before the state was kept (with the releases that name the
    /// systems of those that carry none), and writes the backfill mark: a cell per system and environment, one read and at
    /// most one write each. Safe to run twice or beside live writes: every write is a merge.
    /// </summary>
    public async Task BackfillAsync(DateTimeOffset from, IEnumerable<CanonicalEvent> events, IEnumerable<ReleaseRecord> named, CancellationToken cancellationToken = default)
    {
        var systems = named.GroupBy(r => r.Request.Id, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Request.Systems, StringComparer.Ordinal);
        var cells = EnvironmentCellState.Fold(events, systems).Values.ToArray();
        if (cells.Length > 0)
        {
            await state.MergeAsync(cells, cancellationToken);
        }

        await state.MarkBackfilledAsync(from, cancellationToken);
    }
}
