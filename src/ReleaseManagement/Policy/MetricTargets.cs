namespace ReleaseManagement.Policy;

/// <summary>Targets the release metrics are reported against.</summary>
public sealed record MetricTargets
{
    public required decimal MaxDefectEscapeRatePercent { get; init; }

    public required decimal MinTestCoveragePercent { get; init; }

    public required decimal MinDeploymentSuccessRatePercent { get; init; }

    public required decimal MaxRollbacksPerReleaseCycle { get; init; }

    /// <summary>From release approval to production.</summary>
    public required TimeSpan MaxDeploymentTime { get; init; }

    /// <summary>To recover from a deployment issue.</summary>
    public required TimeSpan MaxRecoveryTime { get; init; }

    /// <summary>From change request to production.</summary>
    public required TimeSpan MaxChangeLeadTime { get; init; }

    public required int MinReleasesPerQuarter { get; init; }
}
