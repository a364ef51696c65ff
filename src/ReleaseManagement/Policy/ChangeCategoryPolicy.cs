using ReleaseManagement.Releases;

namespace ReleaseManagement.Policy;

/// <summary>What a change category requires and allows.</summary>
public sealed record ChangeCategoryPolicy
{
    public required string Description { get; init; }

    /// <summary>
    /// The approval stage keys a change of this category goes through, in order. A stage of the release's route that is
    /// not listed here is skipped (pre-approved): written on the timeline and counted as skipped in the approval metrics.
    /// </summary>
    public required IReadOnlyList<string> ApprovalRoute { get; init; }

    /// <summary>The release types that may carry a change of this category.</summary>
    public required IReadOnlyList<ReleaseType> AllowedReleaseTypes { get; init; }

    /// <summary>Roles whose approval the plan (or emergency) stage needs on top of the type's and the risk's. Optional.</summary>
    public IReadOnlyList<string> ExtraApprovalRoles { get; init; } = [];

    /// <summary>The highest risk level a change of this category may carry; null accepts every level. Optional.</summary>
    public RiskRating? MaxRisk { get; init; }

    /// <summary>What a request assessed above <see cref="MaxRisk"/> gets: refused (400), or moved to <see cref="ReclassifyAs"/>.</summary>
    public RiskAboveMaxRule OnRiskAboveMax { get; init; } = RiskAboveMaxRule.Refuse;

    /// <summary>With <see cref="RiskAboveMaxRule.Reclassify"/>: the category the request moves to.</summary>
    public ChangeCategory? ReclassifyAs { get; init; }
}

/// <summary>What happens to a request whose risk is above its change category's maximum.</summary>
public enum RiskAboveMaxRule
{
    /// <summary>The request is refused (400) with the reason.</summary>
    Refuse,

    /// <summary>The request is moved to the category the policy names; the timeline says so.</summary>
    Reclassify,
}
