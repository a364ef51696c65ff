namespace ReleaseManagement.Policy.Validation;

/// <summary><c>systems</c>: each named once (case-insensitively, which the schema cannot say), with well-formed approvers and audiences.</summary>
internal sealed class SystemRules(PolicyErrors errors)
{
    public void Check(ReleasePolicy policy) => Systems(policy, PolicyPath.Root.Property("systems"));

    private void Systems(ReleasePolicy policy, string path)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, system) in policy.Systems)
        {
            var at = path.Property(name);
            if (string.IsNullOrWhiteSpace(name))
            {
                errors.Add(at, "A system name must not be empty.");
            }
            else if (!seen.Add(name.Trim()))
            {
                errors.Add(at, $"'{name}' is named twice (names are matched case-insensitively).");
            }

            new ApproverRules(errors).RoleMap(system.Approvers, at.Property("approvers"));
            new AudienceRules(errors).AudienceMap(system.Audiences, at.Property("audiences"));
            var dependsOn = system.DependsOn ?? [];
            for (var i = 0; i < dependsOn.Count; i++)
            {
                if (!policy.Systems.Keys.Any(k => string.Equals(k, dependsOn[i], StringComparison.OrdinalIgnoreCase)) || string.Equals(dependsOn[i], name, StringComparison.OrdinalIgnoreCase))
                {
                    errors.Add(at.Property("dependsOn").Index(i), $"'{dependsOn[i]}' is not another system of this policy: use one of {string.Join(", ", policy.Systems.Keys.Where(k => k != name).Order(StringComparer.Ordinal))}.");
                }
            }
        }

        if (DeploymentOrder.Cycle(policy) is { } cycle)
        {
            errors.Add(path, $"The systems' dependsOn go round in a circle ({string.Join(" → ", cycle)}): no order deploys them.");
        }
    }
}
