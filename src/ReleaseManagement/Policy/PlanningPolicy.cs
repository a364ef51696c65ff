namespace ReleaseManagement.Policy;

/// <summary>
/// The procedure's release planning checklist as a gate: each item attested by the release manager (or waived), shown to
/// the plan approvers. With <see cref="Blocking"/> the plan approval waits for it; else it is shown as information.
/// </summary>
public sealed record PlanningPolicy
{
    /// <summary>Whether the plan (or emergency) approval waits until the Planning gate passes. Default false.</summary>
    public bool Blocking { get; init; }

    /// <summary>The Planning gate. Its item ids must not be used by another gate.</summary>
    public QualityGate Gate { get; init; } = new() { Items = DefaultItems() };

    /// <summary>The procedure's planning checklist, attested by the release manager, each waivable.</summary>
    public static IReadOnlyList<GateItem> DefaultItems() =>
    [
        Item("planning-requirements", "Requirements and objectives defined"),
        Item("planning-scope", "Release scope defined: features finalized and prioritized"),
        Item("planning-resources", "Development and testing resources allocated"),
        Item("planning-timeline", "Timeline established with a buffer for testing"),
        Item("planning-risk-assessment", "Risks identified and their mitigation planned"),
        Item("planning-dependencies", "Dependencies identified"),
        Item("planning-communication-plan", "Communication plan established"),
        Item("planning-rollback-plan", "Rollback procedures documented"),
    ];

    private static GateItem Item(string id, string description) => new()
    {
        Id = id,
        Description = description,
        SatisfiedBy = GateSatisfaction.Attestation,
        Threshold = null,
        AttestationRoles = [PolicyRoles.ReleaseManager],
        Waivable = true,
    };
}
