namespace ReleaseManagement.Policy;

/// <summary>The environment promotion pipeline.</summary>
public sealed record PromotionPolicy
{
    /// <summary>The development milestones a trigger may name (besides gate item ids).</summary>
    public required IReadOnlyList<string> Milestones { get; init; }

    /// <summary>The standard route: Development → Integration → Staging → Production.</summary>
    public required IReadOnlyList<PromotionStep> Route { get; init; }

    /// <summary>The compressed hotfix route.</summary>
    public required IReadOnlyList<PromotionStep> HotfixRoute { get; init; }
}
