using MathNet.Numerics.Distributions;
using ReleaseManagement.Policy;

namespace ReleaseManagement.Analysis;

/// <summary>The procedure's real-time monitoring beyond errors and response times: throughput and user activity.</summary>
public static partial class CanaryJudge
{
    /// <summary>
    /// Exact binomial test (the canary carries less than its share): of all requests in the window, the canary's count
    /// against Binomial(n, <paramref name="expectedShare"/>); fails when significant and the canary's share is below the
    /// expected one by more than <see cref="CanaryAnalysisPolicy.MaxThroughputShortfallPercent"/> of it (a canary that
    /// loses its traffic: crashing instances, a routing fault, clients giving up).
    /// </summary>
    public static CanaryCheck Throughput(CanarySample baseline, CanarySample canary, CanaryAnalysisPolicy policy, double expectedShare)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(canary);
        ArgumentNullException.ThrowIfNull(policy);
        if (Counted(baseline, canary, policy, CanaryChecks.Throughput) is { } tooFew)
        {
            return tooFew;
        }

        var total = baseline.Requests + canary.Requests;
        var share = (double)canary.Requests / total;
        if (expectedShare is <= 0 or >= 1)
        {
            return new(CanaryChecks.Throughput, expectedShare * 100, share * 100, null, CanaryOutcome.Pass,
                F($"Throughput not compared: the step carries {expectedShare * 100:0.#} % of the traffic, so there is no baseline share to compare with."));
        }

        var p = Binomial.CDF(expectedShare, (int)Math.Min(total, int.MaxValue), canary.Requests);
        var floor = expectedShare * (1 - (policy.MaxThroughputShortfallPercent / 100));
        var shares = F($"the canary served {share * 100:0.##} % of {total} requests against the {expectedShare * 100:0.##} % its step carries (tolerance -{policy.MaxThroughputShortfallPercent:0.##} % of it)");
        return (p < policy.Alpha, share < floor) switch
        {
            (true, true) => new(CanaryChecks.Throughput, expectedShare * 100, share * 100, p, CanaryOutcome.Fail,
                F($"The canary serves less than its share: {shares}, {P(p)}, below alpha {policy.Alpha}.")),
            (true, false) => new(CanaryChecks.Throughput, expectedShare * 100, share * 100, p, CanaryOutcome.Pass,
                F($"The canary serves slightly less than its share ({P(p)}) but within tolerance: {shares}.")),
            _ => new(CanaryChecks.Throughput, expectedShare * 100, share * 100, p, CanaryOutcome.Pass,
                F($"No significant shortfall in throughput: {shares}, {P(p)}, not below alpha {policy.Alpha}.")),
        };
    }

    /// <summary>
    /// Mann-Whitney U (the canary's users do less) on the sampled requests per signed-in user; fails when significant and
    /// the canary's median is below the baseline's by more than <see cref="CanaryAnalysisPolicy.MaxUserActivityDropPercent"/>
    /// (users who stop part-way: a broken page or flow that errors and durations may not show).
    /// </summary>
    public static CanaryCheck UserActivity(CanarySample baseline, CanarySample canary, CanaryAnalysisPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(canary);
        ArgumentNullException.ThrowIfNull(policy);
        var (b, c) = (Finite(baseline.UserActions), Finite(canary.UserActions));
        if (TooFew(CanaryChecks.UserActivity, "signed-in users to judge the user activity", b, c, policy) is { } tooFew)
        {
            return tooFew;
        }

        // One-sided the other way round: is the baseline's activity greater than the canary's?
        var test = CanaryStatistics.MannWhitneyGreater(c, b);
        double mb = CanaryStatistics.Median(b), mc = CanaryStatistics.Median(c);
        var floor = mb * (1 - (policy.MaxUserActivityDropPercent / 100));
        var medians = F($"median {mc:0.#} requests a user against {mb:0.#} (tolerance -{policy.MaxUserActivityDropPercent:0.##} %)");
        return (test.PValue < policy.Alpha, mc < floor) switch
        {
            (true, true) => new(CanaryChecks.UserActivity, mb, mc, test.PValue, CanaryOutcome.Fail,
                F($"The canary's users do less: {medians}, {P(test.PValue)}, below alpha {policy.Alpha}.")),
            (true, false) => new(CanaryChecks.UserActivity, mb, mc, test.PValue, CanaryOutcome.Pass,
                F($"The canary's users do slightly less ({P(test.PValue)}) but within tolerance: {medians}.")),
            _ => new(CanaryChecks.UserActivity, mb, mc, test.PValue, CanaryOutcome.Pass,
                F($"No significant drop in user activity: {medians}, {P(test.PValue)}, not below alpha {policy.Alpha}.")),
        };
    }
}
