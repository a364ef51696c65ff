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

    /// <summary>
    /// The testing depth as gate items: items this level adds to a quality gate (by gate). A release at this level must
    /// satisfy them wherever that gate applies. Optional.
    /// </summary>
    public IReadOnlyDictionary<GateKind, IReadOnlyList<GateItem>> RequiredItems { get; init; } = new Dictionary<GateKind, IReadOnlyList<GateItem>>();

    /// <summary>Ids of gate items a release at this level may skip: they are left out of its gates. Optional.</summary>
    public IReadOnlyList<string> OptionalItems { get; init; } = [];

    /// <summary>
    /// How many distinct people of an item's waiver roles must waive it before the waiver counts at this level (four eyes,
    /// <see cref="FourEyes"/>; never the release's requester). Optional, default 1; the built-in policy asks 2 at High.
    /// </summary>
    public int WaiverQuorum { get; init; } = 1;
}
