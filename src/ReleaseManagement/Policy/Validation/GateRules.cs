namespace ReleaseManagement.Policy.Validation;

/// <summary><c>qualityGates</c>, the planning gate and the items risk levels add: item ids unique across all of them, each item's roles, threshold, age and environment consistent with how it is satisfied.</summary>
internal sealed class GateRules(PolicyErrors errors)
{
    public void Check(ReleasePolicy policy)
    {
        Gates(policy, PolicyPath.Root.Property("qualityGates"));
        foreach (var (type, names) in (policy.PipelineReporters ?? new Dictionary<Events.CanonicalEventType, IReadOnlyList<string>>()).OrderBy(p => p.Key))
        {
            Pipelines(names, PolicyPath.Root.Property("pipelineReporters").Property(type.ToString()));
        }
    }

    /// <summary>A list of pipeline names (webhook secret names): each a name, not a number (an unnamed secret has none).</summary>
    private void Pipelines(IReadOnlyList<string> names, string at)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (!Events.WebhookSecrets.IsPipelineName(names[i] ?? string.Empty))
            {
                errors.Add(at.Index(i), $"'{names[i]}' is not a pipeline name (the name of a webhook secret: letters, digits, '-' and '_', starting with a letter).");
            }
        }
    }

    /// <summary>The ids of the quality gates' items (what promotion steps and test suite evidence may name).</summary>
    public static HashSet<string> QualityGateItemIds(ReleasePolicy policy) =>
        policy.QualityGates.Values.SelectMany(g => g.Items).Select(i => i.Id).ToHashSet(StringComparer.Ordinal);

    private void Gates(ReleasePolicy policy, string path)
    {
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var kind in Enum.GetValues<GateKind>())
        {
            if (!policy.QualityGates.TryGetValue(kind, out var gate))
            {
                continue; // the schema requires every gate
            }

            var at = path.Property(kind.ToString()).Property("items");
            Items(gate.Items, at, ids);
        }

        // The Planning gate and the items each risk level adds share the id space of the quality gates.
        var planning = PolicyPath.Root.Property("planning").Property("gate").Property("items");
        Items(policy.Planning.Gate.Items, planning, ids);
        foreach (var (level, mitigation) in policy.RiskMatrix.Mitigations.OrderBy(m => m.Key))
        {
            var levelPath = PolicyPath.Root.Property("riskMatrix").Property("mitigations").Property(level.ToString());
            foreach (var (kind, items) in mitigation.RequiredItems.OrderBy(r => r.Key))
            {
                Items(items, levelPath.Property("requiredItems").Property(kind.ToString()), ids);
            }
        }

        foreach (var (level, mitigation) in policy.RiskMatrix.Mitigations.OrderBy(m => m.Key))
        {
            var optional = PolicyPath.Root.Property("riskMatrix").Property("mitigations").Property(level.ToString()).Property("optionalItems");
            for (var i = 0; i < mitigation.OptionalItems.Count; i++)
            {
                if (!ids.Contains(mitigation.OptionalItems[i] ?? string.Empty))
                {
                    errors.Add(optional.Index(i), $"'{mitigation.OptionalItems[i]}' is not a gate item of this policy.");
                }
            }
        }
    }

    private void Items(IReadOnlyList<GateItem> items, string at, HashSet<string> ids)
    {
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var itemPath = at.Index(i);
            if (!string.IsNullOrEmpty(item.Id) && !ids.Add(item.Id))
            {
                errors.Add(itemPath.Property("id"), $"'{item.Id}' is used by another gate item: evidence names items by id, so ids must be unique across gates.");
            }

            if (item.SatisfiedBy == GateSatisfaction.Attestation)
            {
                if (item.AttestationRoles.Count == 0)
                {
                    errors.Add(itemPath.Property("attestationRoles"), "An item satisfied by attestation names the roles that may attest it.");
                }

                if (item.Threshold is not null)
                {
                    errors.Add(itemPath.Property("threshold"), "Only items satisfied by evidence have a threshold.");
                }
            }

            if ((item.Reporters is { Count: > 0 } || item.ReporterRoles is { Count: > 0 }) && item.SatisfiedBy != GateSatisfaction.Evidence)
            {
                errors.Add(itemPath.Property(item.Reporters is { Count: > 0 } ? "reporters" : "reporterRoles"), "Only items satisfied by evidence are reported: an attestation is a person's word (attestationRoles).");
            }

            Pipelines(item.Reporters ?? [], itemPath.Property("reporters"));

            if (item.MaxAge is { } maxAge && maxAge <= TimeSpan.Zero)
            {
                errors.Add(itemPath.Property("maxAge"), "Must be positive (or omitted: evidence of any age counts).");
            }

            if ((item.MaxAge is not null || item.Environment is not null) && item.SatisfiedBy != GateSatisfaction.Evidence)
            {
                errors.Add(itemPath.Property(item.MaxAge is not null ? "maxAge" : "environment"), "Only items satisfied by evidence have an environment or a maxAge.");
            }
        }
    }
}
