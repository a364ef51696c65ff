using ReleaseManagement.Releases;

namespace ReleaseManagement.Metrics;

/// <summary>A percentage with what it was computed from. <see cref="Percent"/> is null ("no data") when the denominator is 0.</summary>
public sealed record RateValue(decimal? Percent, long Numerator, long Denominator)
{
    public bool NoData => Percent is null;

    public static RateValue Of(long numerator, long denominator) => new(Statistics.Percent(numerator, denominator), numerator, denominator);
}

/// <summary>Durations summarised: how many, the median and the 90th percentile in hours (null when <see cref="Count"/> is 0).</summary>
public sealed record DurationValue(int Count, double? MedianHours, double? P90Hours)
{
    public bool NoData => Count == 0;

    public TimeSpan? Median => MedianHours is { } h ? TimeSpan.FromHours(h) : null;

    public static DurationValue Of(IEnumerable<TimeSpan> durations)
    {
        var hours = durations.Select(d => d.TotalHours).ToList();
        return new(hours.Count, Round(Statistics.Median(hours)), Round(Statistics.Percentile(hours, 0.9)));
    }

    private static double? Round(double? v) => v is { } x ? Math.Round(x, 4, MidpointRounding.AwayFromZero) : null;
}

/// <summary>Test coverage: the latest reported coverage of each (release, system) in the period, summarised.</summary>
public sealed record CoverageValue(int Count, decimal? MedianPercent, decimal? MinimumPercent, int BelowTarget)
{
    public bool NoData => Count == 0;
}

/// <summary>Rollbacks per release deployed: null ("no data") when no release was deployed.</summary>
public sealed record RollbackValue(decimal? PerRelease, long Rollbacks, long ReleasesDeployed)
{
    public bool NoData => PerRelease is null;
}

/// <summary>Recovery durations plus the incidents of the period still unresolved at its end.</summary>
public sealed record RecoveryValue(DurationValue Duration, int Unresolved);

/// <summary>Releases of a type deployed in the period against the number the policy's cadence expects (null: no cadence).</summary>
public sealed record ReleaseFrequencyValue(ReleaseType Type, int Releases, decimal? Expected);

/// <summary>The four DORA keys, each with its banding (and the banding's report year).</summary>
public sealed record DoraValues(
    int Year,
    double? DeploymentsPerDay,
    DoraBanding DeploymentFrequencyBand,
    DurationValue LeadTimeForChanges,
    DoraBanding LeadTimeBand,
    RateValue ChangeFailureRate,
    DoraBanding ChangeFailureRateBand,
    DurationValue FailedDeploymentRecoveryTime,
    DoraBanding RecoveryTimeBand);

/// <summary>Decisions asked of one approver role: outcomes, rates and how long they took.</summary>
public sealed record RoleApprovalValue(
    string Role,
    int Asks,
    int Approved,
    int Rejected,
    int TimedOut,
    RateValue RejectionRate,
    RateValue TimeoutRate,
    DurationValue Latency);

/// <summary>How much of the lead time was waiting for approvers, and how each role decides.</summary>
/// <param name="Wait">Per successful deployment: total time waiting for approval stages before it.</param>
/// <param name="WaitShareOfLeadTime">Sum of approval waits over the sum of request-to-production lead times (same deployments).</param>
/// <param name="SkippedStages">Approval stages skipped in the period because the change category pre-approves them (not asks, not waits).</param>
public sealed record ApprovalLatencyValue(DurationValue Wait, RateValue WaitShareOfLeadTime, IReadOnlyList<RoleApprovalValue> ByRole, int SkippedStages = 0);

/// <summary>Every metric for one period and one slice of the facts (all, a system, a release type or a change category).</summary>
public sealed record MetricSet(
    int Deployments,
    RateValue DefectEscapeRate,
    CoverageValue TestCoverage,
    RateValue DeploymentSuccessRate,
    RollbackValue RollbackFrequency,
    DurationValue DeploymentTime,
    RecoveryValue RecoveryTime,
    DurationValue ChangeLeadTimeFromMerge,
    DurationValue ChangeLeadTimeFromRequest,
    IReadOnlyList<ReleaseFrequencyValue> ReleaseFrequency,
    DoraValues Dora,
    ApprovalLatencyValue Approvals);
