namespace ReleaseManagement.Policy;

/// <summary>Performance targets a system must meet after a release.</summary>
public sealed record PerformanceThresholds
{
    public required decimal MaxErrorRatePercent { get; init; }

    public required int MaxP95LatencyMilliseconds { get; init; }

    /// <summary>
    /// The lowest availability (percent of successful requests) in the window. Null: a system's thresholds take
    /// <c>successCriteria.defaultThresholds</c>'s, and there null judges no availability.
    /// </summary>
    public decimal? MinAvailabilityPercent { get; init; }

    /// <summary>
    /// The largest increase of the exception count over the baseline window, in percent (100 = at most doubled). Judged
    /// only when both counts are known and the baseline is above zero. Null as for <see cref="MinAvailabilityPercent"/>.
    /// </summary>
    public decimal? MaxExceptionIncreasePercent { get; init; }
}
