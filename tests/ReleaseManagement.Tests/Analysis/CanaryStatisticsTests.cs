using ReleaseManagement.Analysis;

namespace ReleaseManagement.Tests.Analysis;

/// <summary>The tests' statistics against values computed elsewhere (SciPy's documented example, exact binomial tails).</summary>
public sealed class CanaryStatisticsTests
{
    [Fact]
    public void MannWhitneyGreater_SciPyTextbookExample_GivesUOf17AndHalfTheTwoSidedP()
    {
        // scipy.stats.mannwhitneyu's documented example (males vs females, method="asymptotic"): U1 = 17,
        // two-sided p = 0.11134688653314041; the one-sided p is half of it.
        var females = new double[] { 20, 11, 17, 12 };
        var males = new double[] { 19, 22, 16, 29, 24 };

        var result = CanaryStatistics.MannWhitneyGreater(baseline: females, canary: males);

        Assert.Equal(17, result.U);
        Assert.Equal(0.11134688653314041 / 2, result.PValue, 1e-12);
        Assert.Equal(1.5921683328090657, result.Z, 1e-12);
    }

    [Fact]
    public void MannWhitneyGreater_Ties_CountHalfAndCorrectTheVariance()
    {
        double[] baseline = [1, 2, 2, 3, 3, 3], canary = [2, 3, 3, 4, 4, 5];
        var pairs = canary.Sum(c => baseline.Sum(b => c > b ? 1 : c == b ? 0.5 : 0));

        var result = CanaryStatistics.MannWhitneyGreater(baseline, canary);

        Assert.Equal(29, pairs);
        Assert.Equal(pairs, result.U);
        // Variance with ties 35.5909… (without: 39): p 0.0392 rather than 0.0463.
        Assert.Equal(0.03920146726663398, result.PValue, 1e-12);
    }

    [Fact]
    public void MannWhitneyGreater_AllValuesEqual_GivesPOfOne()
    {
        var result = CanaryStatistics.MannWhitneyGreater([5, 5, 5], [5, 5]);

        Assert.Equal((3d, 1d), (result.U, result.PValue));
    }

    [Fact]
    public void TwoProportionGreater_TenAgainstTwentyOfAHundred_GivesTheZTestsP()
    {
        // Pooled p = 0.15, z = 0.1 / sqrt(0.15 · 0.85 · 0.02) = 1.9803, upper tail 0.02384.
        Assert.Equal(0.02383519032808068, CanaryStatistics.TwoProportionGreater(10, 100, 20, 100), 1e-12);
    }

    [Fact]
    public void TwoProportionGreater_NoFailuresAnywhere_GivesPOfOne()
    {
        Assert.Equal(1, CanaryStatistics.TwoProportionGreater(0, 100, 0, 100));
    }

    [Fact]
    public void PoissonRateGreater_NoneAgainstFiveAtEqualExposure_IsOneHalfToTheFifth()
    {
        // Given 5 events in all, each falls on the canary with probability 1/2 when the rates are equal: P(all 5) = 1/32.
        Assert.Equal(1.0 / 32, CanaryStatistics.PoissonRateGreater(0, 1000, 5, 1000), 1e-12);
    }

    [Fact]
    public void PoissonRateGreater_UnequalExposure_WeighsTheShare()
    {
        // Canary exposure a third of the total: P(X >= 2 | X ~ Bin(3, 1/3)) = 3 · (1/3)² · (2/3) + (1/3)³ = 7/27.
        Assert.Equal(7.0 / 27, CanaryStatistics.PoissonRateGreater(1, 2000, 2, 1000), 1e-12);
    }

    [Fact]
    public void Median_EvenCount_IsTheMeanOfTheMiddleTwo()
    {
        Assert.Equal((2.5, 3d), (CanaryStatistics.Median([4, 1, 3, 2]), CanaryStatistics.Median([5, 1, 3])));
    }
}
