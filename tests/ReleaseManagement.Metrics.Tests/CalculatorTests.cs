using ReleaseManagement.Metrics;
using ReleaseManagement.Releases;
using static ReleaseManagement.Metrics.Tests.Facts;

namespace ReleaseManagement.Metrics.Tests;

/// <summary>The November 2026 fixture (<see cref="Facts.November"/>), every number worked by hand.</summary>
public sealed class CalculatorTests
{
    private static MetricSet November(int year = 2024) => MetricsCalculator.Compute(Facts.November(), T(11, 1), T(12, 1), Utc, year);

    [Fact]
    public void DeploymentSuccessRate_FourOfFiveInThePeriod_Is80Percent()
    {
        var m = November();

        Assert.Equal(5, m.Deployments);
        Assert.Equal(new RateValue(80m, 4, 5), m.DeploymentSuccessRate);
    }

    [Fact]
    public void DefectEscapeRate_TwoProductionIncidentsAndFourPreProductionDefects_IsOneThird()
    {
        // Caught: 3 failed tests (staging) + 1 failed run without a count (integration); production runs do not count.
        Assert.Equal(new RateValue(33.33m, 2, 6), November().DefectEscapeRate);
    }

    [Fact]
    public void TestCoverage_LatestPerReleaseAndSystem_MedianAndMinimumAgainstTarget()
    {
        // R1/Billing: 82 (the later of 85 and 82); R2/Billing: 70.
        Assert.Equal(new CoverageValue(2, 76m, 70m, 1), November().TestCoverage);
    }

    [Fact]
    public void RollbackFrequency_RollbackOnTheFirstOfNextMonth_CountsInThatMonth()
    {
        var november = November();
        var december = MetricsCalculator.Compute(Facts.November(), T(12, 1), T(1, 1, year: 2027), Utc, 2024);

        Assert.Equal(new RollbackValue(0.25m, 1, 4), november.RollbackFrequency);
        Assert.Equal(new RollbackValue(null, 1, 0), december.RollbackFrequency);
        Assert.True(december.RollbackFrequency.NoData);
    }

    [Fact]
    public void DeploymentTime_ApprovalToDeployed_MedianAndP90()
    {
        // 4 h, 2 h, 0.5 h, 2 h -> sorted 0.5, 2, 2, 4: median 2, p90 at rank 2.7 = 2 + 0.7 * 2 = 3.4.
        Assert.Equal(new DurationValue(4, 2, 3.4), November().DeploymentTime);
    }

    [Fact]
    public void ChangeLeadTime_FromMergeAndFromRequest_MedianAndP90()
    {
        var m = November();

        // From merge: 48, 24, 1, 48 h -> median 36, p90 48.
        Assert.Equal(new DurationValue(4, 36, 48), m.ChangeLeadTimeFromMerge);
        // From request: 792, 194, 2, 240 h -> median 217, p90 = 240 + 0.7 * 552 = 626.4.
        Assert.Equal(new DurationValue(4, 217, 626.4), m.ChangeLeadTimeFromRequest);
    }

    [Fact]
    public void RecoveryTime_IncludesAnIncidentFromLastMonth_AndCountsTheUnresolvedOne()
    {
        // Restored in November: INC-1 after 4 h, INC-3 (detected in October) after 72 h. INC-2 was never resolved.
        Assert.Equal(new RecoveryValue(new DurationValue(2, 38, 65.2), 1), November().RecoveryTime);
    }

    [Fact]
    public void ReleaseFrequency_PerType_AgainstThePolicyCadence()
    {
        var f = November().ReleaseFrequency.ToDictionary(v => v.Type);

        Assert.Equal(new ReleaseFrequencyValue(ReleaseType.Major, 0, 0.33m), f[ReleaseType.Major]); // 30 / 91.3125
        Assert.Equal(new ReleaseFrequencyValue(ReleaseType.Minor, 2, 0.99m), f[ReleaseType.Minor]); // 30 / 30.4375
        Assert.Equal(new ReleaseFrequencyValue(ReleaseType.Patch, 1, 2.14m), f[ReleaseType.Patch]); // 30 / 14
        Assert.Equal(new ReleaseFrequencyValue(ReleaseType.Hotfix, 1, null), f[ReleaseType.Hotfix]); // emergency basis
    }

    [Fact]
    public void Dora_November_ValuesAndBandsOf2024()
    {
        var d = November(2024).Dora;

        Assert.Equal(0.1333, d.DeploymentsPerDay); // 4 successful / 30 days
        Assert.Equal(new DoraBanding(DoraKey.DeploymentFrequency, 2024, DoraBand.Medium), d.DeploymentFrequencyBand);
        Assert.Equal(new DoraBanding(DoraKey.LeadTimeForChanges, 2024, DoraBand.High), d.LeadTimeBand); // 36 h
        // Failed: the failed attempt, the 10 Nov deployment (rolled back, incident) and the 30 Nov one (rolled back 1 Dec).
        Assert.Equal(new RateValue(60m, 3, 5), d.ChangeFailureRate);
        Assert.Equal(new DoraBanding(DoraKey.ChangeFailureRate, 2024, DoraBand.Low), d.ChangeFailureRateBand);
        Assert.Equal(new DurationValue(1, 4, 4), d.FailedDeploymentRecoveryTime); // only INC-1 followed a deployment
        Assert.Equal(new DoraBanding(DoraKey.FailedDeploymentRecoveryTime, 2024, DoraBand.High), d.RecoveryTimeBand);
    }

    [Fact]
    public void Dora_SameFacts_BandedAgainst2022_CarriesThatYear()
    {
        var d = November(2022).Dora;

        Assert.Equal(2022, d.Year);
        Assert.Equal(new DoraBanding(DoraKey.DeploymentFrequency, 2022, DoraBand.Medium), d.DeploymentFrequencyBand);
        Assert.Equal(new DoraBanding(DoraKey.ChangeFailureRate, 2022, DoraBand.Low), d.ChangeFailureRateBand);
    }

    [Fact]
    public void ChangeFailure_RollbackAfterTheAttributionWindow_DoesNotCount()
    {
        var facts = new MetricFacts
        {
            Deployments = [Deploy(R1, T(11, 3))],
            Rollbacks = [new RollbackFact(R1, T(11, 10, 0, 1), T(11, 3))], // 7 days and 1 minute later
        };

        var m = MetricsCalculator.Compute(facts, T(11, 1), T(12, 1), Utc, 2024);

        Assert.Equal(new RateValue(0m, 0, 1), m.Dora.ChangeFailureRate);
    }

    [Fact]
    public void Approvals_WaitShareAndPerRoleRates()
    {
        var a = November().Approvals;

        // Waits 24, 12, 0.5 h: median 12, p90 at rank 1.8 = 12 + 0.8 * 12 = 21.6.
        Assert.Equal(new DurationValue(3, 12, 21.6), a.Wait);
        // 36.5 h of 988 h of request-to-production lead time.
        Assert.Equal(3.69m, a.WaitShareOfLeadTime.Percent);
        Assert.Equal(2190, a.WaitShareOfLeadTime.Numerator);
        Assert.Equal(59280, a.WaitShareOfLeadTime.Denominator);

        Assert.Equal(["product-owner", "release-manager", "technical-lead"], a.ByRole.Select(r => r.Role));
        var po = a.ByRole[0];
        Assert.Equal((1, 0, 1, 0), (po.Asks, po.Approved, po.Rejected, po.TimedOut));
        Assert.Equal(100m, po.RejectionRate.Percent);
        var rm = a.ByRole[1];
        Assert.Equal((2, 1, 0, 1), (rm.Asks, rm.Approved, rm.Rejected, rm.TimedOut));
        Assert.Equal(50m, rm.TimeoutRate.Percent);
        Assert.Equal(new DurationValue(1, 10, 10), rm.Latency); // a timeout has no latency
        var tl = a.ByRole[2];
        Assert.Equal(new DurationValue(2, 12.5, 21.7), tl.Latency); // 24 h and 1 h; October's ask is outside
        Assert.Equal(0m, tl.RejectionRate.Percent);
    }

    [Fact]
    public void NoDeployments_EveryRateAndDurationIsNoData_NeverZero()
    {
        var m = MetricsCalculator.Compute(MetricFacts.Empty, T(11, 1), T(12, 1), Utc, 2024);

        Assert.True(m.DeploymentSuccessRate.NoData);
        Assert.Null(m.DeploymentSuccessRate.Percent);
        Assert.True(m.DefectEscapeRate.NoData);
        Assert.True(m.TestCoverage.NoData);
        Assert.True(m.RollbackFrequency.NoData);
        Assert.True(m.DeploymentTime.NoData);
        Assert.Null(m.DeploymentTime.MedianHours);
        Assert.Null(m.DeploymentTime.P90Hours);
        Assert.True(m.ChangeLeadTimeFromMerge.NoData);
        Assert.True(m.RecoveryTime.Duration.NoData);
        Assert.Null(m.Dora.DeploymentsPerDay);
        Assert.Null(m.Dora.DeploymentFrequencyBand.Band);
        Assert.Equal(2024, m.Dora.DeploymentFrequencyBand.Year);
        Assert.True(m.Dora.ChangeFailureRate.NoData);
        Assert.Null(m.Dora.ChangeFailureRateBand.Band);
        Assert.Null(m.Dora.LeadTimeBand.Band);
        Assert.Null(m.Dora.RecoveryTimeBand.Band);
        Assert.True(m.Approvals.WaitShareOfLeadTime.NoData);
        Assert.Empty(m.Approvals.ByRole);
    }

    [Fact]
    public void IncidentsButNoDeployments_ChangeFailureRateIsNoData_DefectEscapeIsMeasured()
    {
        var facts = new MetricFacts { Incidents = [new IncidentFact(Seg(null, "Billing"), T(11, 5), "INC-9", false, null)] };

        var m = MetricsCalculator.Compute(facts, T(11, 1), T(12, 1), Utc, 2024);

        Assert.True(m.Dora.ChangeFailureRate.NoData);
        Assert.Equal(new RateValue(100m, 1, 1), m.DefectEscapeRate);
        Assert.Equal(1, m.RecoveryTime.Unresolved);
        Assert.True(m.RecoveryTime.Duration.NoData);
    }

    [Fact]
    public void Segments_BySystemTypeAndCategory_SplitTheFacts()
    {
        var facts = Facts.November();

        var billing = MetricsCalculator.Compute(facts.ForSystem("billing"), T(11, 1), T(12, 1), Utc, 2024);
        var hotfix = MetricsCalculator.Compute(facts.ForReleaseType(ReleaseType.Hotfix), T(11, 1), T(12, 1), Utc, 2024);
        var standard = MetricsCalculator.Compute(facts.ForChangeCategory(Policy.ChangeCategory.Standard), T(11, 1), T(12, 1), Utc, 2024);

        Assert.Equal(new RateValue(75m, 3, 4), billing.DeploymentSuccessRate);
        Assert.Equal(1, hotfix.Deployments);
        Assert.Equal(new RateValue(0m, 0, 1), hotfix.Dora.ChangeFailureRate);
        Assert.Equal(new RateValue(100m, 1, 1), standard.Dora.ChangeFailureRate); // R4, rolled back on 1 December
    }

    [Fact]
    public void Compute_EmptyPeriod_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => MetricsCalculator.Compute(MetricFacts.Empty, T(11, 1), T(11, 1), Utc, 2024));
    }
}
