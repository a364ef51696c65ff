using ReleaseManagement.Events;

namespace ReleaseManagement.Policy;

/// <summary>
/// What a rollback on demand may roll back: an environment the release is deployed to (its last deployment there
/// succeeded and was not rolled back since), and only the highest of them (a lower environment is rolled back once the
/// ones above it are). One rule for the API (which answers 409 otherwise) and the orchestration.
/// </summary>
public static class RollbackTargets
{
    /// <summary>The environments deployed and not rolled back, in promotion order, from a release's pipeline events.</summary>
    public static IReadOnlyList<DeploymentEnvironment> Deployed(IEnumerable<CanonicalEvent> events)
    {
        var last = new Dictionary<DeploymentEnvironment, bool>();
        foreach (var e in events.Where(e => e.Type is CanonicalEventType.ServiceDeployed or CanonicalEventType.ServiceRolledBack).OrderBy(e => e.OccurredAt))
        {
            if (!Enum.TryParse<DeploymentEnvironment>(e.Environment, ignoreCase: true, out var environment)
                || e.Outcome is not (EventOutcomes.Success or null))
            {
                continue;
            }

            last[environment] = e.Type == CanonicalEventType.ServiceDeployed;
        }

        return last.Where(kv => kv.Value).Select(kv => kv.Key).Order().ToArray();
    }

    /// <summary>
    /// The environment to roll back: <paramref name="requested"/>, or the highest deployed one when none is named. Null
    /// with the reason when there is nothing to roll back there.
    /// </summary>
    public static (DeploymentEnvironment? Environment, string? Refusal) Choose(IReadOnlyCollection<DeploymentEnvironment> deployed, DeploymentEnvironment? requested)
    {
        if (deployed.Count == 0)
        {
            return (null, "nothing is deployed yet");
        }

        var highest = deployed.Max();
        if (requested is not { } environment)
        {
            return (highest, null);
        }

        if (!deployed.Contains(environment))
        {
            return (null, $"{Name(environment)} is not deployed (deployed: {string.Join(", ", deployed.Order().Select(Name))})");
        }

        return environment == highest
            ? (environment, null)
            : (null, $"{Name(highest)} is deployed above {Name(environment)}: roll {Name(highest)} back first");
    }

    private static string Name(DeploymentEnvironment environment) => environment.ToString().ToLowerInvariant();
}
