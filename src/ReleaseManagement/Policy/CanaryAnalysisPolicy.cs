namespace ReleaseManagement.Policy;

/// <summary>
/// How a canary (or an idle slot) is judged against its baseline at each checkpoint (<c>deployment.analysis</c> in the
/// policy; optional). The procedure gives no values: these defaults are this project's choice (docs/policy.md,
/// docs/deployment-strategies.md). A check fails only when its difference is both significant at <see cref="Alpha"/>
/// and larger than its tolerance; a side with fewer than <see cref="MinSamples"/> makes the check inconclusive.
/// </summary>
public sealed record CanaryAnalysisPolicy
{
    /// <summary>The significance level of every one-sided test, in (0, 0.5]. Default 0.05.</summary>
    public double Alpha { get; init; } = 0.05;

    /// <summary>The fewest requests (and request durations) each side needs before it is judged (at least 2). Default 50.</summary>
    public int MinSamples { get; init; } = 50;

    /// <summary>How far the canary's median request duration may exceed the baseline's, in percent of it. Default 10.</summary>
    public double MaxDurationIncreasePercent { get; init; } = 10;

    /// <summary>How far the canary's failed-request rate may exceed the baseline's, in percentage points. Default 1.</summary>
    public double MaxFailureRateIncreasePoints { get; init; } = 1;

    /// <summary>
    /// How far the canary's exceptions per 100 requests may exceed the baseline's (the exception rate in percentage
    /// points; one request may throw several). Default 1.
    /// </summary>
    public double MaxExceptionRateIncreasePoints { get; init; } = 1;

    /// <summary>
    /// How far below the share of the requests its step carries (a canary's weight, a rolling batch) the canary's share may
    /// fall, in percent of that share, before a significant shortfall fails. Default 20.
    /// </summary>
    public double MaxThroughputShortfallPercent { get; init; } = 20;

    /// <summary>How far the canary's median requests per signed-in user may fall below the baseline's, in percent. Default 20.</summary>
    public double MaxUserActivityDropPercent { get; init; } = 20;
}
