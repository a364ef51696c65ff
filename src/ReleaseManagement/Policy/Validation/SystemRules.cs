namespace ReleaseManagement.Policy.Validation;

/// <summary><c>systems</c>: at least one, each named once (case-insensitively), with well-formed approvers, audiences and thresholds.</summary>
internal sealed class SystemRules(PolicyErrors errors)
{
    public void Check(ReleasePolicy policy) => Systems(policy, PolicyPath.Root.Property("systems"));

    private void Systems(ReleasePolicy policy, string path)
    {
        if (policy.Systems.Count == 0)
        {
            errors.Add(path, "At least one system is required.");
        }

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
            if (system.Thresholds is { } thresholds)
            {
                new SuccessCriteriaRules(errors).Thresholds(thresholds, at.Property("thresholds"));
            }
        }
    }
}
