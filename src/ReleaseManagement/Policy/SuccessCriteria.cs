namespace ReleaseManagement.Policy;

/// <summary>Release success criteria and the post-release watch.</summary>
public sealed record SuccessCriteria
{
    /// <summary>The most critical production issues a successful release may have (zero).</summary>
    public required int MaxCriticalIssues { get; init; }

    /// <summary>Thresholds for systems that name none of their own.</summary>
    public required PerformanceThresholds DefaultThresholds { get; init; }

    /// <summary>How long the release is watched after deployment (24 hours).</summary>
    public required TimeSpan WatchDuration { get; init; }

    /// <summary>
    /// How often the watch expects a health reading. Readings come from the post-release monitor, whose schedule
    /// (<c>PostReleaseMonitorSchedule</c>, every 15 minutes) sets the actual cadence: keep the two alike.
    /// </summary>
    public required TimeSpan CheckInterval { get; init; }
}
