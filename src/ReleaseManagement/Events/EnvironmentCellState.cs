namespace ReleaseManagement.Events;

/// <summary>A deployment or rollback event as a cell of the environments page keeps it.</summary>
public sealed record DeploymentMark(string EventId, DateTimeOffset At, CanonicalEventType Type, string? Outcome, string? ReleaseId, string? Version)
{
    public static DeploymentMark Of(CanonicalEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        return new(evt.EventId, evt.OccurredAt, evt.Type, evt.Outcome, evt.ReleaseId, evt.Attribute(EventAttributes.Version));
    }

    /// <summary>Whether this one is newer than <paramref name="other"/>: by occurrence time, then by event id (ordinal).</summary>
    public bool IsNewerThan(DeploymentMark? other) =>
        other is null || At > other.At || (At == other.At && string.CompareOrdinal(EventId, other.EventId) > 0);

    /// <summary>A failed or cancelled deployment or rollback.</summary>
    public bool Failed => Outcome is EventOutcomes.Failure or EventOutcomes.Cancelled;
}

/// <summary>A successful rollback of a release (null: of no release), the latest one of that release in the cell.</summary>
public sealed record RollbackMark(string? ReleaseId, DateTimeOffset At);

/// <summary>
/// The current state of one system in one environment, all the environments page shows of it: the last successful
/// deployment, the last deployment or rollback event whatever its outcome, the successful rollbacks since that deployment
/// (a cell shows "Rolled back" when its deployed release was rolled back at or after it was deployed), and the system's
/// spelling in its earliest event (the page's row title when the policy does not name the system). Every part is a
/// newest-wins (or earliest-wins) merge, so applying events in any order, or twice, gives the same state: a late older
/// event changes nothing that a newer one set.
/// </summary>
public sealed record EnvironmentCellState(
    string System,
    string Environment,
    DeploymentMark? Deployed,
    DeploymentMark Last,
    IReadOnlyList<RollbackMark> Rollbacks,
    DeploymentMark FirstSeen)
{
    /// <summary>Rollbacks kept while nothing was deployed successfully (only rollbacks after a deployment can matter).</summary>
    public const int MaxRollbacks = 20;

    /// <summary>Whether the event is one a cell shows: a deployment or rollback naming an environment.</summary>
    public static bool Counts(CanonicalEvent evt) =>
        evt is { Type: CanonicalEventType.ServiceDeployed or CanonicalEventType.ServiceRolledBack } && !string.IsNullOrWhiteSpace(evt.Environment);

    /// <summary>The systems the event counts for: its own, else its release's (<paramref name="releaseSystems"/>, null when unknown).</summary>
    public static IReadOnlyList<string> SystemsOf(CanonicalEvent evt, IReadOnlyList<string>? releaseSystems)
    {
        ArgumentNullException.ThrowIfNull(evt);
        return evt.System is { Length: > 0 } s ? [s] : releaseSystems ?? [];
    }

    /// <summary>The key of the cell of <paramref name="system"/> (case-insensitive) and <paramref name="environment"/> (lower-cased).</summary>
    public static (string System, string Environment) KeyOf(string system, string environment) =>
        (system.ToUpperInvariant(), environment.ToLowerInvariant());

    /// <summary>The state holding just <paramref name="evt"/> (which <see cref="Counts"/>) for <paramref name="system"/>.</summary>
    public static EnvironmentCellState Of(CanonicalEvent evt, string system)
    {
        ArgumentNullException.ThrowIfNull(evt);
        var mark = DeploymentMark.Of(evt);
        var succeeded = !mark.Failed;
        return new(
            system,
            evt.Environment!.ToLowerInvariant(),
            succeeded && evt.Type == CanonicalEventType.ServiceDeployed ? mark : null,
            mark,
            succeeded && evt.Type == CanonicalEventType.ServiceRolledBack ? [new RollbackMark(evt.ReleaseId, evt.OccurredAt)] : [],
            mark);
    }

    /// <summary>Both states of the same cell as one: commutative, associative and idempotent.</summary>
    public EnvironmentCellState Merge(EnvironmentCellState other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var deployed = other.Deployed is { } d && d.IsNewerThan(Deployed) ? d : Deployed;
        var rollbacks = Rollbacks.Concat(other.Rollbacks)
            .GroupBy(r => r.ReleaseId, StringComparer.Ordinal)
            .Select(g => g.MaxBy(r => r.At)!)
            .Where(r => deployed is null || r.At >= deployed.At)
            .OrderByDescending(r => r.At)
            .ThenBy(r => r.ReleaseId, StringComparer.Ordinal)
            .Take(MaxRollbacks)
            .ToArray();
        var first = FirstSeen.IsNewerThan(other.FirstSeen) ? other : this;
        return new(
            first.System,
            Environment,
            deployed,
            other.Last.IsNewerThan(Last) ? other.Last : Last,
            rollbacks,
            first.FirstSeen);
    }

    /// <summary>Whether <paramref name="other"/> holds the same state (to skip a write that would change nothing).</summary>
    public bool SameAs(EnvironmentCellState other) =>
        other is not null && System == other.System && Environment == other.Environment && Deployed == other.Deployed && Last == other.Last
        && FirstSeen == other.FirstSeen && Rollbacks.SequenceEqual(other.Rollbacks);

    /// <summary>Whether the deployed release was rolled back (successfully) at or after its deployment.</summary>
    public bool RolledBack => Deployed is { } deployed && Rollbacks.Any(r => r.ReleaseId == deployed.ReleaseId && r.At >= deployed.At);

    /// <summary>
    /// The cells <paramref name="events"/> give, keyed by <see cref="KeyOf"/>: an event that carries no system counts for
    /// every system of its release (<paramref name="releaseSystems"/>, by release id); one whose release is unknown for none.
    /// </summary>
    public static IReadOnlyDictionary<(string System, string Environment), EnvironmentCellState> Fold(
        IEnumerable<CanonicalEvent> events, IReadOnlyDictionary<string, IReadOnlyList<string>> releaseSystems)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(releaseSystems);
        var cells = new Dictionary<(string, string), EnvironmentCellState>();
        foreach (var evt in events.Where(Counts))
        {
            var named = evt.ReleaseId is { } id && releaseSystems.TryGetValue(id, out var systems) ? systems : null;
            foreach (var system in SystemsOf(evt, named))
            {
                var state = Of(evt, system);
                var key = KeyOf(system, state.Environment);
                cells[key] = cells.TryGetValue(key, out var existing) ? existing.Merge(state) : state;
            }
        }

        return cells;
    }
}
