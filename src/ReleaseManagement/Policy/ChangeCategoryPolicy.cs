using ReleaseManagement.Releases;

namespace ReleaseManagement.Policy;

/// <summary>What a change category requires and allows.</summary>
public sealed record ChangeCategoryPolicy
{
    public required string Description { get; init; }

    /// <summary>The approval stage keys a change of this category goes through, in order.</summary>
    public required IReadOnlyList<string> ApprovalRoute { get; init; }

    /// <summary>The release types that may carry a change of this category.</summary>
    public required IReadOnlyList<ReleaseType> AllowedReleaseTypes { get; init; }
}
