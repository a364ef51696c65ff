namespace ReleaseManagement.Policy;

/// <summary>The risk matrix: every impact x probability pair mapped to a level, and each level's mitigation.</summary>
public sealed record RiskMatrix
{
    /// <summary>One cell per (impact, probability) pair: all nine must be present.</summary>
    public required IReadOnlyList<RiskMatrixCell> Cells { get; init; }

    public required IReadOnlyDictionary<RiskRating, RiskMitigation> Mitigations { get; init; }
}
