using ReleaseManagement.Releases;

namespace ReleaseManagement.Policy;

/// <summary>
/// Where a release reaches production: the production window occurrence its target date leads to (the first window from the
/// start of its target date on, as the orchestration waits for it), or — for a type that does not use release windows
/// (hotfix) or when no window opens — just its target date. <see cref="Date"/> is the window's date in the policy time zone.
/// </summary>
public sealed record ProductionSlot(DateOnly Date, WindowOccurrence? Window)
{
    /// <summary>
    /// Whether two releases in these slots reach production together: the same window occurrence when both have one, else
    /// the same date.
    /// </summary>
    public bool Overlaps(ProductionSlot other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Window is not null && other.Window is not null ? Window == other.Window : Date == other.Date;
    }
}

/// <summary>Release <see cref="ReleaseId"/> conflicts with <see cref="OtherId"/> on <see cref="System"/> (as the first release names it).</summary>
public sealed record ReleaseConflict(string ReleaseId, string OtherId, DateOnly OtherTargetDate, string System, ProductionSlot Slot);

/// <summary>
/// The conflict rule, in one place for the request handlers and the dashboard: two <em>active</em> releases conflict when
/// they touch a common system (names compared case-insensitively) in the same production slot (<see cref="ProductionSlot"/>).
/// </summary>
public static class ReleaseConflicts
{
    /// <summary>The production slot of <paramref name="request"/> under <paramref name="policy"/>.</summary>
    public static ProductionSlot SlotOf(ReleasePolicy policy, ReleaseRequest request)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(request);
        if (policy.ReleaseTypes.TryGetValue(request.Type, out var type) && type.UsesReleaseWindows)
        {
            var zone = PolicyTime.Zone(policy);
            if (WindowCalendar.NextWindow(policy, PolicyTime.StartOfDay(zone, request.TargetDate)) is { } window)
            {
                return new ProductionSlot(PolicyTime.LocalDate(zone, window.Start), window);
            }
        }

        return new ProductionSlot(request.TargetDate, null);
    }

    /// <summary>
    /// The conflicts of <paramref name="release"/> with <paramref name="others"/> (only active ones count; the release itself,
    /// by id, is skipped): one per other release and shared system, in the release's system order, then by other id.
    /// </summary>
    public static IReadOnlyList<ReleaseConflict> For(ReleasePolicy policy, ReleaseRequest release, IEnumerable<ReleaseRecord> others)
    {
        ArgumentNullException.ThrowIfNull(others);
        var slot = SlotOf(policy, release);
        var candidates = others
            .Where(o => o.Status == ReleaseStatus.Active && !string.Equals(o.Request.Id, release.Id, StringComparison.Ordinal))
            .Select(o => (Record: o, Slot: SlotOf(policy, o.Request)))
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
        var byDate = active.Select(r => (Record: r, Slot: SlotOf(policy, r.Request))).ToLookup(x => x.Slot.Date);
        var conflicts = new List<ReleaseConflict>();
        foreach (var release in active)
        {
            var slot = SlotOf(policy, release.Request);
            var sameDay = byDate[slot.Date].Select(x => x.Record).ToArray();
            if (sameDay.Length > 1)
            {
                conflicts.AddRange(For(policy, release.Request, sameDay));
            }
        }

        return conflicts;
    }
}
