namespace ReleaseManagement.Policy;

/// <summary>
/// The gate items of one step of a release: the items of the step's quality gates with the items the release's risk
/// level adds to those gates (<see cref="RiskMitigation.RequiredItems"/>), then the step's extra checks, without the items
/// the level may skip (<see cref="RiskMitigation.OptionalItems"/>). <see cref="Skipped"/> names those left out.
/// </summary>
public sealed record EffectiveGate(QualityGate Gate, IReadOnlyList<string> Skipped)
{
    public bool IsEmpty => Gate.Items.Count == 0;
}

/// <summary>Which gate items apply to a release: pure decisions from the policy and the release's risk.</summary>
public static class ReleaseGates
{
    /// <summary>The effective items of a step that needs <paramref name="gates"/> and the extra checks <paramref name="extraItems"/>.</summary>
    public static EffectiveGate For(ReleasePolicy policy, RiskAssessment risk, IEnumerable<GateKind> gates, IEnumerable<string> extraItems) =>
        For(policy, risk, gates, extraItems, []);

    /// <summary>
    /// The effective items of a step, with <paramref name="documents"/> after them: the release's required documents when
    /// the step goes to production (<see cref="ReleaseDocuments.ItemsFor"/>). The risk level never skips a document.
    /// </summary>
    public static EffectiveGate For(
        ReleasePolicy policy, RiskAssessment risk, IEnumerable<GateKind> gates, IEnumerable<string> extraItems, IEnumerable<GateItem> documents)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(risk);
        var mitigation = risk.Mitigation;
        var all = gates
            .SelectMany(g => policy.QualityGates[g].Items.Concat(mitigation.RequiredItems.TryGetValue(g, out var added) ? added : []))
            .Concat(extraItems.Select(id => Find(policy, id) ?? throw new InvalidOperationException($"'{id}' is not a gate item of the policy.")))
            .DistinctBy(i => i.Id, StringComparer.OrdinalIgnoreCase)
            .ToArray();
        var optional = new HashSet<string>(mitigation.OptionalItems, StringComparer.OrdinalIgnoreCase);
        return new EffectiveGate(
            new QualityGate
            {
                Items = all.Where(i => !optional.Contains(i.Id))
                    .Concat(documents.Where(d => !all.Any(i => string.Equals(i.Id, d.Id, StringComparison.OrdinalIgnoreCase)))).ToArray(),
            },
            all.Where(i => optional.Contains(i.Id)).Select(i => i.Id).ToArray());
    }

    /// <summary>The Planning gate of a release (the planning checklist; no risk level changes it).</summary>
    public static QualityGate Planning(ReleasePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.Planning.Gate;
    }

    /// <summary>A gate item defined by the quality gates, the risk levels' required items or the Planning gate, or null.</summary>
    public static GateItem? Find(ReleasePolicy policy, string id)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return Defined(policy).FirstOrDefault(i => string.Equals(i.Id, id.Trim(), StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Every gate item the policy defines: the quality gates in key order, the items risk levels add, the Planning gate, the documents.</summary>
    public static IEnumerable<GateItem> Defined(ReleasePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.QualityGates.OrderBy(g => g.Key).SelectMany(g => g.Value.Items)
            .Concat(policy.RiskMatrix.Mitigations.OrderBy(m => m.Key).SelectMany(m => m.Value.RequiredItems.OrderBy(r => r.Key).SelectMany(r => r.Value)))
            .Concat(policy.Planning.Gate.Items)
            .Concat(ReleaseDocuments.Items(policy));
    }

    /// <summary>
    /// A one-line summary of a gate's verdicts for people (emails): each item with its verdict, who waived or attested it
    /// and why it fails or waits; "(no gate at this stage)" when there is none.
    /// </summary>
    public static string Summarize(GateEvaluation evaluation)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        if (evaluation.Items.Count == 0)
        {
            return "(no gate at this stage)";
        }

        var counts = string.Join(", ", evaluation.Items.GroupBy(i => i.Verdict).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}"));
        return $"{evaluation.Overall}: {counts}";
    }
}
