using ReleaseManagement.Events;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api.Dashboard;

/// <summary>
/// What is deployed where: systems × environments from the stored deployment and rollback events. A cell names the release
/// (and version) whose deployment last succeeded there and since when, and the outcome of the last deployment event.
/// </summary>
public sealed record EnvironmentsView(
    IReadOnlyList<string> Environments,
    IReadOnlyList<EnvironmentRow> Rows,
    string Since,
    string UpdatedAt,
    string TimeZone,
    string SelfUrl)
{
    /// <summary>
    /// The view of the stored events of the look-back (the page before the cells' state was kept, and its first view on a
    /// store written before): the events folded into cells (<see cref="EnvironmentCellState.Fold"/>, an event that carries no
    /// system counting for its release's systems) and shown as <see cref="BuildFromState"/> shows them, so what a cell shows
    /// has one home.
    /// </summary>
    public static EnvironmentsView Build(
        IReadOnlyList<StoredPipelineEvent> stored,
        IReadOnlyList<ReleaseRecord> releases,
        IReadOnlyCollection<string> policySystems,
        DisplayFormat format,
        DateTimeOffset since,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(releases);
        var systemsOf = releases
            .DistinctBy(r => r.Request.Id, StringComparer.Ordinal)
            .ToDictionary(r => r.Request.Id, r => r.Request.Systems, StringComparer.Ordinal);
        var cells = EnvironmentCellState.Fold(stored.Select(s => s.Event), systemsOf);
        return BuildFromState(cells.Values.ToArray(), policySystems, format, since, now);
    }

    /// <summary>
    /// The same view from the cells' current state (<see cref="IEnvironmentStateStore"/>): for the events of the look-back
    /// it is <see cref="Build"/>'s, cell for cell; a cell whose last event is older stays (what is deployed there still is).
    /// </summary>
    public static EnvironmentsView BuildFromState(
        IReadOnlyList<EnvironmentCellState> cells,
        IReadOnlyCollection<string> policySystems,
        DisplayFormat format,
        DateTimeOffset since,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentNullException.ThrowIfNull(format);
        var byKey = cells
            .GroupBy(c => EnvironmentCellState.KeyOf(c.System, c.Environment))
            .ToDictionary(g => g.Key, g => g.Aggregate((a, b) => a.Merge(b)));
        var known = Enum.GetValues<DeploymentEnvironment>().Select(e => e.ToString().ToLowerInvariant()).ToArray();
        var environments = known.Concat(byKey.Values.Select(c => c.Environment).Where(e => !known.Contains(e)).Distinct().Order(StringComparer.Ordinal)).ToArray();
        // A system's row title: the policy's spelling, else the one of its earliest event (as Build takes the first seen).
        var seen = byKey.Values
            .OrderBy(c => c.FirstSeen.At)
            .ThenBy(c => c.FirstSeen.EventId, StringComparer.Ordinal)
            .Select(c => c.System);
        var systems = policySystems.Concat(seen)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.OrdinalIgnoreCase)
            .ToArray();
        var rows = systems.Select(system => new EnvironmentRow(system, environments.Select(env =>
        {
            if (!byKey.TryGetValue(EnvironmentCellState.KeyOf(system, env), out var cell))
            {
                return new EnvironmentCell(Title(env), null, null, null, null, null, null, null, false);
            }

            var deployed = cell.Deployed;
            var last = cell.Last;
            var lastText = $"{(last.Type == CanonicalEventType.ServiceRolledBack ? "Rollback" : "Deployment")} {last.Outcome ?? "reported"}"
                + (last.ReleaseId is { } lr && lr != deployed?.ReleaseId ? $" ({lr})" : string.Empty);
            return new EnvironmentCell(
                Title(env),
                deployed?.ReleaseId,
                deployed?.ReleaseId is { } id ? DashboardRoutes.Release(id) : null,
                deployed?.Version,
                deployed is null ? null : format.Time(deployed.At),
                deployed is null ? null : DisplayFormat.Iso(deployed.At),
                cell.RolledBack ? "Rolled back: " + lastText : lastText,
                format.Time(last.At),
                last.Failed);
        }).ToArray())).ToArray();
        return new EnvironmentsView(environments.Select(Title).ToArray(), rows, format.Time(since), format.Time(now), format.Zone.Id, DashboardRoutes.Environments);
    }

    private static string Title(string environment) => environment.Length == 0 ? environment : char.ToUpperInvariant(environment[0]) + environment[1..];
}

public sealed record EnvironmentRow(string System, IReadOnlyList<EnvironmentCell> Cells);

/// <summary>One system in one environment; every field null when nothing was ever deployed there (in the look-back).</summary>
public sealed record EnvironmentCell(
    string Environment,
    string? ReleaseId,
    string? ReleaseUrl,
    string? Version,
    string? Since,
    string? SinceIso,
    string? LastOutcome,
    string? LastAt,
    bool LastFailed);
