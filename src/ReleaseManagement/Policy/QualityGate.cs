namespace ReleaseManagement.Policy;

/// <summary>A quality gate: a checklist of items.</summary>
public sealed record QualityGate
{
    public required IReadOnlyList<GateItem> Items { get; init; }
}
