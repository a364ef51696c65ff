using ReleaseManagement.Releases;

namespace ReleaseManagement.Policy;

/// <summary>Release <see cref="ReleaseId"/> conflicts with <see cref="OtherId"/> on <see cref="System"/> (as the first release names it).</summary>
public sealed record ReleaseConflict(string ReleaseId, string OtherId, DateOnly OtherTargetDate, string System, ProductionSlot Slot);

/// <summary>
/// The conflict rule, in one place for the request handlers and the dashboard: two <em>active</em> releases conflict when
/// they touch a common system (names compared case-insensitively) in the same production slot as planned
/// (<see cref="ProductionSlot.Of(ReleasePolicy, ReleaseRequest, DateTimeOffset)"/> at <see cref="ProductionSlot.AsPlanned"/>:
/// a stored conflict must not appear or vanish as the clock moves on).
/// </summary>
public static class ReleaseConflicts
{
    /// <summary>
    /// The conflicts of <paramref name="release"/> with <paramref name="others"/> (only active ones count; the release itself,
    /// by id, is skipped): one per other release and shared system, in the release's system order, then by other id.
    /// </summary>
    public static IReadOnlyList<ReleaseConflict> For(ReleasePolicy policy, ReleaseRequest release, IEnumerable<ReleaseRecord> others)
    {
        ArgumentNullException.ThrowIfNull(others);
        var slot = ProductionSlot.Of(policy, release, ProductionSlot.AsPlanned);
        var candidates = others
            .Where(o => o.Status == ReleaseStatus.Active && !string.Equals(o.Request.Id, release.Id, StringComparison.Ordinal))
            .Select(o => (Record: o, Slot: ProductionSlot.Of(policy, o.Request, ProductionSlot.AsPlanned)))
            .Where(o => slot.Overlaps(o.Slot))
            .OrderBy(o => o.Record.Request.Id, StringComparer.Ordinal)
            .ToArray();
        return release.Systems.Distinct(StringComparer.OrdinalIgnoreCase)
            .SelectMany(system => candidates
                .Where(o => o.Record.Request.Systems.Contains(system, StringComparer.OrdinalIgnoreCase))
                .Select(o => new ReleaseConflict(release.Id, o.Record.Request.Id, o.Record.Request.TargetDate, system, slot)))
            .ToArray();
    }

    /// <summary>
    /// Every conflict among <paramref name="records"/> (active ones only), each pair in both directions, grouped by slot date
    /// so it costs a comparison only among releases reaching production on the same day.
    /// </summary>
    public static IReadOnlyList<ReleaseConflict> Among(ReleasePolicy policy, IReadOnlyList<ReleaseRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var active = records.Where(r => r.Status == ReleaseStatus.Active).ToArray();
        var byDate = active.Select(r => (Record: r, Slot: ProductionSlot.Of(policy, r.Request, ProductionSlot.AsPlanned))).ToLookup(x => x.Slot.Date);
        var conflicts = new List<ReleaseConflict>();
        foreach (var release in active)
        {
            var slot = ProductionSlot.Of(policy, release.Request, ProductionSlot.AsPlanned);
            var sameDay = byDate[slot.Date].Select(x => x.Record).ToArray();
            if (sameDay.Length > 1)
            {
                conflicts.AddRange(For(policy, release.Request, sameDay));
            }
        }

        return conflicts;
    }
}
