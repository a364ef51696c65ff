using MathNet.Numerics;
using MathNet.Numerics.Distributions;

namespace ReleaseManagement.Analysis;

/// <summary>A Mann-Whitney U test's result: the canary's U, the standardised statistic and the one-sided p-value.</summary>
public sealed record MannWhitneyResult(double U, double Z, double PValue);

/// <summary>
/// The one-sided tests of a canary analysis, each asking "is the canary worse than the baseline?". Plain functions of
/// their inputs, so the judgement is reproducible from the numbers an audit entry keeps.
/// </summary>
public static class CanaryStatistics
{
    /// <summary>
    /// Mann-Whitney U test that the canary's values tend to be larger than the baseline's (H1: canary stochastically
    /// greater). U counts the (canary, baseline) pairs where the canary's value is larger, ties counting half. Normal
    /// approximation with the tie correction of the variance and a continuity correction of 0.5 (as SciPy's
    /// <c>mannwhitneyu(..., alternative="greater", method="asymptotic")</c>); p is the upper tail of the standard normal.
    /// All values equal (no variance): p = 1.
    /// </summary>
    public static MannWhitneyResult MannWhitneyGreater(IReadOnlyList<double> baseline, IReadOnlyList<double> canary)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(canary);
        double nb = baseline.Count, nc = canary.Count;
        if (nb == 0 || nc == 0)
        {
            throw new ArgumentException("Both samples need at least one value.", nameof(baseline));
        }

        var all = new (double Value, bool Canary)[baseline.Count + canary.Count];
        for (var i = 0; i < baseline.Count; i++)
        {
            all[i] = (baseline[i], false);
        }

        for (var i = 0; i < canary.Count; i++)
        {
            all[baseline.Count + i] = (canary[i], true);
        }

        Array.Sort(all, (a, b) => a.Value.CompareTo(b.Value));
        double canaryRanks = 0, ties = 0;
        for (var start = 0; start < all.Length;)
        {
            var end = start;
            while (end + 1 < all.Length && all[end + 1].Value.Equals(all[start].Value))
            {
                end++;
            }

            // Ranks start + 1 … end + 1 share their average.
            double t = end - start + 1, rank = (start + end + 2) / 2.0;
            for (var i = start; i <= end; i++)
            {
                canaryRanks += all[i].Canary ? rank : 0;
            }

            ties += (t * t * t) - t;
            start = end + 1;
        }

        double n = nb + nc;
        var u = canaryRanks - (nc * (nc + 1) / 2);
        var mean = nb * nc / 2;
        var variance = nb * nc / 12 * ((n + 1) - (ties / (n * (n - 1))));
        if (!(variance > 0))
        {
            return new MannWhitneyResult(u, 0, 1);
        }

        var z = (u - mean - 0.5) / Math.Sqrt(variance);
        return new MannWhitneyResult(u, z, UpperTail(z));
    }

    /// <summary>
    /// Two-proportion z-test that the canary's proportion is larger (pooled standard error). No event or only events on
    /// both sides: p = 1.
    /// </summary>
    public static double TwoProportionGreater(long baselineEvents, long baselineTrials, long canaryEvents, long canaryTrials)
    {
        RequireCounts(baselineEvents, baselineTrials, canaryEvents, canaryTrials);
        var pooled = (double)(baselineEvents + canaryEvents) / (baselineTrials + canaryTrials);
        var se = Math.Sqrt(pooled * (1 - pooled) * ((1.0 / baselineTrials) + (1.0 / canaryTrials)));
        if (!(se > 0))
        {
            return 1;
        }

        var z = (((double)canaryEvents / canaryTrials) - ((double)baselineEvents / baselineTrials)) / se;
        return UpperTail(z);
    }

    /// <summary>
    /// Poisson rate test that the canary's events per unit of exposure (exceptions per request) are higher: given the
    /// total count, the canary's share is binomial with p = canaryExposure / (baselineExposure + canaryExposure) when the
    /// rates are equal, and p-value = P(X ≥ canaryEvents), exact through the regularised incomplete beta function
    /// (the conditional test of Przyborowski and Wilenski). No event at all: p = 1.
    /// </summary>
    public static double PoissonRateGreater(long baselineEvents, long baselineExposure, long canaryEvents, long canaryExposure)
    {
        if (baselineEvents < 0 || canaryEvents < 0 || baselineExposure <= 0 || canaryExposure <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(baselineEvents), "Counts must not be negative and exposures must be positive.");
        }

        if (canaryEvents == 0)
        {
            return 1;
        }

        double total = baselineEvents + canaryEvents;
        var share = (double)canaryExposure / (baselineExposure + canaryExposure);
        // P(X >= k) for X ~ Binomial(total, share) = I_share(k, total - k + 1).
        return Math.Clamp(SpecialFunctions.BetaRegularized(canaryEvents, total - canaryEvents + 1, share), 0, 1);
    }

    /// <summary>The median of the finite values (the mean of the middle two for an even count).</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException("The median of no value is undefined.", nameof(values));
        }

        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static double UpperTail(double z) => Normal.CDF(0, 1, -z);

    private static void RequireCounts(long baselineEvents, long baselineTrials, long canaryEvents, long canaryTrials)
    {
        if (baselineTrials <= 0 || canaryTrials <= 0 || baselineEvents < 0 || canaryEvents < 0 || baselineEvents > baselineTrials || canaryEvents > canaryTrials)
        {
            throw new ArgumentOutOfRangeException(nameof(baselineTrials), "Each side needs trials, and its events must be between 0 and its trials.");
        }
    }
}
