using ReleaseManagement.Events;
using ReleaseManagement.Policy;

namespace ReleaseManagement.Metrics;

/// <summary>
/// How events are attributed to one another when facts are derived: one copy for the facts builder, the late-event impact
/// (which must follow exactly the same rules, or a late event would mark the wrong days) and the calculator.
/// </summary>
internal static class FactRules
{
    /// <summary>An incident's identity: its incident attribute, else the event's own id.</summary>
    public static string IncidentId(CanonicalEvent e) => e.Attribute(EventAttributes.Incident) ?? e.EventId;

    /// <summary>Two events concern the same system when both name it alike, or either names none.</summary>
    public static bool SameSystem(CanonicalEvent a, CanonicalEvent b) =>
        a.System is null || b.System is null || string.Equals(a.System, b.System, StringComparison.OrdinalIgnoreCase);

    public static bool IsProduction(string? environment) =>
        string.Equals(environment, nameof(DeploymentEnvironment.Production), StringComparison.OrdinalIgnoreCase);

    /// <summary>Production, or no environment named (an incident or rollback reported without one is taken as production).</summary>
    public static bool IsProductionOrUnnamed(string? environment) => environment is null || IsProduction(environment);
}
