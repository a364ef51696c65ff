namespace ReleaseManagement.Metrics;

/// <summary>
/// Order statistics. Percentiles are linearly interpolated between closest ranks (the "inclusive" definition of Excel's
/// PERCENTILE.INC and NumPy's default): for sorted x[0..n-1] the p-th percentile is at rank h = (n - 1) p, so the median of
/// an even count is the mean of the middle two. An empty input has no percentile (null), never 0.
/// </summary>
public static class Statistics
{
    public static double? Percentile(IEnumerable<double> values, double p)
    {
        if (p is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(p), "p is a fraction between 0 and 1.");
        }

        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return null;
        }

        var h = (sorted.Length - 1) * p;
        var lower = (int)Math.Floor(h);
        var upper = (int)Math.Ceiling(h);
        return sorted[lower] + ((h - lower) * (sorted[upper] - sorted[lower]));
    }

    public static double? Median(IEnumerable<double> values) => Percentile(values, 0.5);

    /// <summary>100 × numerator / denominator, rounded to 2 decimals; null when the denominator is 0 ("no data").</summary>
    public static decimal? Percent(long numerator, long denominator) =>
        denominator == 0 ? null : Math.Round(100m * numerator / denominator, 2, MidpointRounding.AwayFromZero);

    /// <summary>numerator / denominator rounded to 3 decimals; null when the denominator is 0.</summary>
    public static decimal? Ratio(decimal numerator, decimal denominator) =>
        denominator == 0 ? null : Math.Round(numerator / denominator, 3, MidpointRounding.AwayFromZero);
}
