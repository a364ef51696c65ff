namespace ReleaseManagement.Policy;

/// <summary>One transition of the pipeline.</summary>
public sealed record PromotionStep
{
    public required DeploymentEnvironment From { get; init; }

    public required DeploymentEnvironment To { get; init; }

    /// <summary>The evidence that starts the transition: milestones or gate item ids.</summary>
    public required IReadOnlyList<string> Trigger { get; init; }

    /// <summary>The whole quality gates that must pass before the transition.</summary>
    public required IReadOnlyList<GateKind> Gates { get; init; }

    /// <summary>Further checks (gate item ids) that must pass before the transition.</summary>
    public required IReadOnlyList<string> Validation { get; init; }

    /// <summary>The approval stage key that approves the transition, or null when none is needed.</summary>
    public string? ApprovalStage { get; init; }

    /// <summary>When the transition happens.</summary>
    public required IReadOnlyList<PromotionCadence> Cadence { get; init; }
}
