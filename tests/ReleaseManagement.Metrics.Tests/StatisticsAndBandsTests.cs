using ReleaseManagement.Metrics;
using ReleaseManagement.Releases;
using static ReleaseManagement.Metrics.Tests.Facts;

namespace ReleaseManagement.Metrics.Tests;

public sealed class StatisticsAndBandsTests
{
    [Theory]
    [InlineData(new double[] { 4, 1, 3, 2 }, 0.5, 2.5)]
    [InlineData(new double[] { 4, 1, 3, 2 }, 0.9, 3.7)]
    [InlineData(new double[] { 7 }, 0.9, 7)]
    [InlineData(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 }, 0.9, 10)]
    public void Percentile_LinearBetweenClosestRanks(double[] values, double p, double expected)
    {
        Assert.Equal(expected, Statistics.Percentile(values, p)!.Value, 10);
    }

    [Fact]
    public void Percentile_NoValues_IsNull()
    {
        Assert.Null(Statistics.Median([]));
        Assert.Null(Statistics.Percent(0, 0));
    }

    [Theory]
    [InlineData(2021, DoraBand.Elite)]
    [InlineData(2022, DoraBand.High)]
    [InlineData(2023, DoraBand.Medium)]
    [InlineData(2024, DoraBand.High)]
    public void ChangeFailureRate12Percent_BandDependsOnTheReportYear(int year, DoraBand expected)
    {
        Assert.Equal(new DoraBanding(DoraKey.ChangeFailureRate, year, expected), DoraBands.ChangeFailureRate(year, 12m));
    }

    [Theory]
    [InlineData(2021, 0.5, DoraBand.Elite)]
    [InlineData(2023, 0.5, DoraBand.Elite)]
    [InlineData(2022, 0.5, DoraBand.High)] // 2022 had no elite cluster
    [InlineData(2024, 2.0, DoraBand.High)]
    [InlineData(2024, 24.0, DoraBand.High)]
    [InlineData(2024, 24.01, DoraBand.Low)] // medium 2024 was also "less than one day": unreachable
    [InlineData(2024, 24 * 31.0, DoraBand.Low)]
    public void RecoveryTime_BandedByYear(int year, double hours, DoraBand expected)
    {
        Assert.Equal(expected, DoraBands.RecoveryTime(year, TimeSpan.FromHours(hours)).Band);
    }

    [Theory]
    [InlineData(2024, 3.0, DoraBand.Elite)]
    [InlineData(2024, 1.0, DoraBand.Elite)]
    [InlineData(2024, 0.2, DoraBand.High)]
    [InlineData(2024, 0.05, DoraBand.Medium)]
    [InlineData(2024, 0.01, DoraBand.Low)]
    [InlineData(2021, 0.05, DoraBand.High)]
    [InlineData(2021, 0.01, DoraBand.Medium)]
    public void DeploymentFrequency_BandedByYear(int year, double perDay, DoraBand expected)
    {
        Assert.Equal(expected, DoraBands.DeploymentFrequency(year, perDay).Band);
    }

    [Theory]
    [InlineData(2024, 0.5, DoraBand.Elite)]
    [InlineData(2024, 24 * 6.0, DoraBand.High)]
    [InlineData(2024, 24 * 20.0, DoraBand.Medium)]
    [InlineData(2024, 24 * 40.0, DoraBand.Low)]
    [InlineData(2021, 0.5, DoraBand.Elite)]
    [InlineData(2021, 24 * 40.0, DoraBand.Medium)]
    public void LeadTime_BandedByYear(int year, double hours, DoraBand expected)
    {
        Assert.Equal(expected, DoraBands.LeadTime(year, TimeSpan.FromHours(hours)).Band);
    }

    [Fact]
    public void UnknownYear_IsRefusedNamingTheKnownOnes()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => DoraBands.ChangeFailureRate(2019, 1m));
        Assert.Contains("2021, 2022, 2023, 2024", e.Message);
    }

    [Fact]
    public void ExpectedReleases_ReadsTheCadenceWords()
    {
        var policy = Utc;
        Assert.Equal(1m, MetricsCalculator.ExpectedReleases(policy, ReleaseType.Major, 365.25 / 4));
        Assert.Equal(3m, MetricsCalculator.ExpectedReleases(policy, ReleaseType.Minor, 365.25 / 4));
        Assert.Equal(6.52m, MetricsCalculator.ExpectedReleases(policy, ReleaseType.Patch, 91.3125));
        Assert.Null(MetricsCalculator.ExpectedReleases(policy, ReleaseType.Hotfix, 91.3125));
    }

    [Fact]
    public void ReportRecipients_RolesResolveThroughApprovers_AddressesStay()
    {
        var policy = Utc with
        {
            Approvers = new Dictionary<string, IReadOnlyList<string>> { ["stakeholder"] = ["s1@example.com", "S2@example.com"] },
            Systems = new Dictionary<string, Policy.SystemPolicy>
            {
                ["Billing"] = new() { Description = "b", Approvers = new Dictionary<string, IReadOnlyList<string>> { ["release-manager"] = ["rm@example.com", "s2@example.com"] } },
            },
            ReportRecipients = ["stakeholder", "release-manager", "cfo@example.com", "nobody-role"],
        };

        Assert.Equal(["s1@example.com", "S2@example.com", "rm@example.com", "cfo@example.com"], ReportRecipients.Resolve(policy));
    }
}
