namespace ReleaseManagement.Policy;

/// <summary>A bound a measured value must meet.</summary>
public sealed record Threshold
{
    public required ThresholdComparison Comparison { get; init; }

    public required decimal Value { get; init; }

    /// <summary>The unit, for messages only (e.g. "%").</summary>
    public required string Unit { get; init; }
}
