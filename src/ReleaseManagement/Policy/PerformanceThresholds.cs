namespace ReleaseManagement.Policy;

/// <summary>Performance targets a system must meet after a release.</summary>
public sealed record PerformanceThresholds
{
    public required decimal MaxErrorRatePercent { get; init; }

    public required int MaxP95LatencyMilliseconds { get; init; }
}
