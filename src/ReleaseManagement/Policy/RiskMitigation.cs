namespace ReleaseManagement.Policy;

/// <summary>What a risk level requires.</summary>
public sealed record RiskMitigation
{
    /// <summary>The mitigation strategy in words.</summary>
    public required string Strategy { get; init; }

    public required TestingDepth TestingDepth { get; init; }

    public required bool PhasedRolloutRequired { get; init; }

    /// <summary>Roles whose approval is needed on top of the release type's.</summary>
    public required IReadOnlyList<string> ExtraApprovalRoles { get; init; }
}
