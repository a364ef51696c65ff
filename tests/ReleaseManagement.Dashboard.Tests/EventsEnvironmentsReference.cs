using ReleaseManagement.Api.Dashboard;
using ReleaseManagement.Events;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Dashboard.Tests;

/// <summary>
/// The environments page as it was computed before the cells' state was kept, straight from the events: the reference the
/// state's view is compared with (<c>EnvironmentsViewTests</c>), so that the fold and the state's merge are checked against
/// an independent reading of the events, not against themselves.
/// </summary>
internal static class EventsEnvironmentsReference
{
    public static EnvironmentsView Build(
        IReadOnlyList<StoredPipelineEvent> stored,
        IReadOnlyList<ReleaseRecord> releases,
        IReadOnlyCollection<string> policySystems,
        DisplayFormat format,
        DateTimeOffset since,
        DateTimeOffset now)
    {
        var systemsOf = releases.ToDictionary(r => r.Request.Id, r => r.Request.Systems, StringComparer.Ordinal);
        var deployments = stored
            .Select(s => s.Event)
            .Where(e => e.Type is CanonicalEventType.ServiceDeployed or CanonicalEventType.ServiceRolledBack && !string.IsNullOrWhiteSpace(e.Environment))
            .SelectMany(e => (e.System is { Length: > 0 } s ? [s] : e.ReleaseId is { } id && systemsOf.TryGetValue(id, out var named) ? named : [])
                .Select(system => (System: system, Environment: e.Environment!.ToLowerInvariant(), Event: e)))
            .ToArray();
        var known = Enum.GetValues<DeploymentEnvironment>().Select(e => e.ToString().ToLowerInvariant()).ToArray();
        var environments = known.Concat(deployments.Select(d => d.Environment).Where(e => !known.Contains(e)).Distinct().Order(StringComparer.Ordinal)).ToArray();
        var systems = policySystems.Concat(deployments.Select(d => d.System))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.OrdinalIgnoreCase)
            .ToArray();
        var rows = systems.Select(system => new EnvironmentRow(system, environments.Select(env =>
        {
            var here = deployments
                .Where(d => string.Equals(d.System, system, StringComparison.OrdinalIgnoreCase) && d.Environment == env)
                .Select(d => d.Event)
                .OrderBy(e => e.OccurredAt)
                .ToArray();
            if (here.Length == 0)
            {
                return new EnvironmentCell(Title(env), null, null, null, null, null, null, null, false);
            }

            var deployed = here.LastOrDefault(e => e.Type == CanonicalEventType.ServiceDeployed && !Failed(e));
            var rolledBack = deployed is not null && here.Any(e => e.Type == CanonicalEventType.ServiceRolledBack && !Failed(e) && e.OccurredAt >= deployed.OccurredAt
                && e.ReleaseId == deployed.ReleaseId);
            var last = here[^1];
            var lastText = $"{(last.Type == CanonicalEventType.ServiceRolledBack ? "Rollback" : "Deployment")} {last.Outcome ?? "reported"}"
                + (last.ReleaseId is { } lr && lr != deployed?.ReleaseId ? $" ({lr})" : string.Empty);
            return new EnvironmentCell(
                Title(env),
                deployed?.ReleaseId,
                deployed?.ReleaseId is { } id ? DashboardRoutes.Release(id) : null,
                deployed?.Attribute(EventAttributes.Version),
                deployed is null ? null : format.Time(deployed.OccurredAt),
                deployed is null ? null : DisplayFormat.Iso(deployed.OccurredAt),
                rolledBack ? "Rolled back: " + lastText : lastText,
                format.Time(last.OccurredAt),
                Failed(last));
        }).ToArray())).ToArray();
        return new EnvironmentsView(environments.Select(Title).ToArray(), rows, format.Time(since), format.Time(now), format.Zone.Id, DashboardRoutes.Environments);
    }


    private static bool Failed(CanonicalEvent e) => e.Outcome is EventOutcomes.Failure or EventOutcomes.Cancelled;

    private static string Title(string environment) => environment.Length == 0 ? environment : char.ToUpperInvariant(environment[0]) + environment[1..];
}
