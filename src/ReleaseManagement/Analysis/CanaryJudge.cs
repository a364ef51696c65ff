using System.Globalization;
using ReleaseManagement.Policy;

namespace ReleaseManagement.Analysis;

/// <summary>
/// Judges a canary's (or idle slot's) telemetry against the baseline's over the same window: a statistical judgement,
/// not a threshold on two averages (docs/deployment-strategies.md, "Analysis at each checkpoint"). Each metric has a
/// one-sided test asking whether the canary is worse, and fails only when the difference is both significant at the
/// policy's alpha and larger than the policy's tolerance, so a trivially small shift that huge samples make significant
/// does not fail a rollout (as Kayenta's effect sizes do). A side with fewer than the policy's minimum samples makes its
/// checks inconclusive, never a pass.
/// </summary>
public static partial class CanaryJudge
{
    /// <summary>
    /// Judges request duration, failure rate and exception rate; the throughput when the step should carry a share of the
    /// traffic (<paramref name="expectedShare"/>, 0 to 1: a canary's weight, a rolling batch; null for an idle slot); the
    /// user activity when either side recorded users.
    /// </summary>
    public static CanaryVerdict Judge(CanarySample baseline, CanarySample canary, CanaryAnalysisPolicy policy, double? expectedShare = null)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(canary);
        ArgumentNullException.ThrowIfNull(policy);
        List<CanaryCheck> checks = [Duration(baseline, canary, policy), FailureRate(baseline, canary, policy), ExceptionRate(baseline, canary, policy)];
        if (expectedShare is { } share)
        {
            checks.Add(Throughput(baseline, canary, policy, share));
        }

        if ((baseline.UserActions?.Count ?? 0) + (canary.UserActions?.Count ?? 0) > 0)
        {
            checks.Add(UserActivity(baseline, canary, policy));
        }

        return CanaryVerdict.Of(checks);
    }

    /// <summary>
    /// Mann-Whitney U (canary slower) on the sampled durations; fails when significant and the canary's median exceeds the
    /// baseline's by more than <see cref="CanaryAnalysisPolicy.MaxDurationIncreasePercent"/>.
    /// </summary>
    public static CanaryCheck Duration(CanarySample baseline, CanarySample canary, CanaryAnalysisPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(canary);
        ArgumentNullException.ThrowIfNull(policy);
        var (b, c) = (Finite(baseline.DurationsMs), Finite(canary.DurationsMs));
        if (TooFew(CanaryChecks.Duration, "request durations to judge", b, c, policy) is { } tooFew)
        {
            return tooFew;
        }

        var test = CanaryStatistics.MannWhitneyGreater(b, c);
        double mb = CanaryStatistics.Median(b), mc = CanaryStatistics.Median(c);
        var limit = mb * (1 + (policy.MaxDurationIncreasePercent / 100));
        var change = mb > 0 ? F($"{(mc - mb) / mb * 100:+0.#;-0.#;0} %") : F($"{mc - mb:+0.#;-0.#;0} ms");
        var medians = F($"median {mc:0.#} ms against {mb:0.#} ms ({change}, tolerance +{policy.MaxDurationIncreasePercent:0.##} %)");
        var significant = test.PValue < policy.Alpha;
        return (significant, mc > limit) switch
        {
            (true, true) => new(CanaryChecks.Duration, mb, mc, test.PValue, CanaryOutcome.Fail,
                F($"Requests are slower on the canary: {medians}, {P(test.PValue)}, below alpha {policy.Alpha}.")),
            (true, false) => new(CanaryChecks.Duration, mb, mc, test.PValue, CanaryOutcome.Pass,
                F($"Requests are slightly slower on the canary ({P(test.PValue)}) but within tolerance: {medians}.")),
            _ => new(CanaryChecks.Duration, mb, mc, test.PValue, CanaryOutcome.Pass,
                F($"No significant slowdown: {medians}, {P(test.PValue)}, not below alpha {policy.Alpha}.")),
        };
    }

    /// <summary>
    /// Two-proportion z-test (canary fails more) on failures per request; fails when significant and the canary's rate
    /// exceeds the baseline's by more than <see cref="CanaryAnalysisPolicy.MaxFailureRateIncreasePoints"/>.
    /// </summary>
    public static CanaryCheck FailureRate(CanarySample baseline, CanarySample canary, CanaryAnalysisPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(canary);
        ArgumentNullException.ThrowIfNull(policy);
        if (Counted(baseline, canary, policy, CanaryChecks.FailureRate) is { } tooFew)
        {
            return tooFew;
        }

        if (baseline.Failures < 0 || canary.Failures < 0 || baseline.Failures > baseline.Requests || canary.Failures > canary.Requests)
        {
            return new(CanaryChecks.FailureRate, null, null, null, CanaryOutcome.Inconclusive,
                F($"The failure counts do not fit the request counts (baseline {baseline.Failures} of {baseline.Requests}, canary {canary.Failures} of {canary.Requests})."));
        }

        var p = CanaryStatistics.TwoProportionGreater(baseline.Failures, baseline.Requests, canary.Failures, canary.Requests);
        return RateCheck(CanaryChecks.FailureRate, "failed requests", Percent(baseline.Failures, baseline.Requests), Percent(canary.Failures, canary.Requests),
            p, policy.MaxFailureRateIncreasePoints, "%", policy.Alpha);
    }

    /// <summary>
    /// Poisson rate test (canary throws more per request) on exceptions; fails when significant and the canary's
    /// exceptions per 100 requests exceed the baseline's by more than <see cref="CanaryAnalysisPolicy.MaxExceptionRateIncreasePoints"/>.
    /// A Poisson test rather than a proportion: one request may record several exceptions.
    /// </summary>
    public static CanaryCheck ExceptionRate(CanarySample baseline, CanarySample canary, CanaryAnalysisPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(canary);
        ArgumentNullException.ThrowIfNull(policy);
        if (Counted(baseline, canary, policy, CanaryChecks.ExceptionRate) is { } tooFew)
        {
            return tooFew;
        }

        if (baseline.Exceptions < 0 || canary.Exceptions < 0)
        {
            return new(CanaryChecks.ExceptionRate, null, null, null, CanaryOutcome.Inconclusive,
                F($"The exception counts are negative (baseline {baseline.Exceptions}, canary {canary.Exceptions})."));
        }

        var p = CanaryStatistics.PoissonRateGreater(baseline.Exceptions, baseline.Requests, canary.Exceptions, canary.Requests);
        return RateCheck(CanaryChecks.ExceptionRate, "exceptions per 100 requests", Percent(baseline.Exceptions, baseline.Requests), Percent(canary.Exceptions, canary.Requests),
            p, policy.MaxExceptionRateIncreasePoints, "", policy.Alpha);
    }

    private static CanaryCheck? Counted(CanarySample baseline, CanarySample canary, CanaryAnalysisPolicy policy, string metric) =>
        baseline.Requests < policy.MinSamples || canary.Requests < policy.MinSamples
            ? new(metric, null, null, null, CanaryOutcome.Inconclusive,
                F($"Too few requests to judge the {CanaryChecks.Describe(metric)}: baseline {baseline.Requests}, canary {canary.Requests}, at least {policy.MinSamples} each needed."))
            : null;

    private static CanaryCheck RateCheck(string metric, string what, double b, double c, double p, double tolerance, string unit, double alpha)
    {
        var rates = F($"{c:0.###}{unit} {what} against {b:0.###}{unit} ({c - b:+0.###;-0.###;0} points, tolerance +{tolerance:0.##})");
        var significant = p < alpha;
        return (significant, c - b > tolerance) switch
        {
            (true, true) => new(metric, b, c, p, CanaryOutcome.Fail, F($"The canary's {CanaryChecks.Describe(metric)} is higher: {rates}, {P(p)}, below alpha {alpha}.")),
            (true, false) => new(metric, b, c, p, CanaryOutcome.Pass, F($"The canary's {CanaryChecks.Describe(metric)} is slightly higher ({P(p)}) but within tolerance: {rates}.")),
            _ => new(metric, b, c, p, CanaryOutcome.Pass, F($"No significant rise in the {CanaryChecks.Describe(metric)}: {rates}, {P(p)}, not below alpha {alpha}.")),
        };
    }

    private static double Percent(long count, long of) => 100.0 * count / of;

    /// <summary>A p-value for people: four decimals, or "p &lt; 0.0001" below them.</summary>
    private static string P(double p) => p < 0.0001 ? "p < 0.0001" : F($"p = {p:0.####}");

    private static List<double> Finite(IReadOnlyList<double>? values) => values?.Where(double.IsFinite).ToList() ?? [];

    /// <summary>
    /// The inconclusive answer of a comparison of medians (durations, user activity) when either side has fewer than
    /// <see cref="CanaryAnalysisPolicy.MinSamples"/> samples, with whatever medians there are; null when both have enough.
    /// </summary>
    private static CanaryCheck? TooFew(string check, string what, List<double> baseline, List<double> canary, CanaryAnalysisPolicy policy) =>
        baseline.Count >= policy.MinSamples && canary.Count >= policy.MinSamples
            ? null
            : new(check, baseline.Count > 0 ? CanaryStatistics.Median(baseline) : null, canary.Count > 0 ? CanaryStatistics.Median(canary) : null, null,
                CanaryOutcome.Inconclusive, F($"Too few {what}: baseline {baseline.Count}, canary {canary.Count}, at least {policy.MinSamples} each needed."));

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
