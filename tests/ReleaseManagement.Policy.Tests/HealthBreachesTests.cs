using ReleaseManagement.Ports;

namespace ReleaseManagement.Policy.Tests;

/// <summary>The one breach rule and the one health window, as pure functions.</summary>
public sealed class HealthBreachesTests
{
    private static HealthReading Reading(params SystemHealth[] systems) => new("r-1", DateTimeOffset.UnixEpoch, systems, false, null);

    private static SystemHealth Billing(decimal? errorRate, int? p95) => new("Billing", errorRate, p95, 99m, 0, 0.1m, 200);

    [Fact]
    public void Evaluate_ErrorRateAndLatencyAboveTheDefaults_NamesBothBreachesOfTheSystem()
    {
        var breaches = HealthBreaches.Evaluate(TestPolicies.Default, Reading(Billing(3.5m, 1500)));

        Assert.Equal(["error rate 3.5 % above 1.0 %", "p95 duration 1500 ms above 1000 ms"], Assert.Single(breaches, b => b.Key == "Billing").Value);
    }

    [Fact]
    public void Evaluate_AtTheThresholdsOrWithoutData_BreachesNothing()
    {
        Assert.Empty(HealthBreaches.Evaluate(TestPolicies.Default, Reading(Billing(1.0m, 1000))));
        Assert.Empty(HealthBreaches.Evaluate(TestPolicies.Default, Reading(Billing(null, null))));
        Assert.Null(HealthBreaches.Describe(TestPolicies.Default, Reading(Billing(0.5m, 400))));
    }

    private static SystemHealth Counted(decimal? availability, long? exceptions, long? baselineExceptions) =>
        new("Billing", 0.2m, 300, availability, exceptions, 0.1m, 250, 99.9m, baselineExceptions);

    [Fact]
    public void Evaluate_AvailabilityBelowTheDefault_IsABreach()
    {
        Assert.Equal("Billing: availability 98.5 % below 99.0 %", HealthBreaches.Describe(TestPolicies.Default, Reading(Counted(98.5m, 0, 0))));
        Assert.Null(HealthBreaches.Describe(TestPolicies.Default, Reading(Counted(99.0m, 0, 0))));
    }

    [Fact]
    public void Evaluate_ExceptionsMoreThanDoubledOnTheBaseline_IsABreach()
    {
        Assert.Equal("Billing: exceptions 25 up 150 % on the baseline's 10, above 100 %", HealthBreaches.Describe(TestPolicies.Default, Reading(Counted(99.9m, 25, 10))));
        Assert.Null(HealthBreaches.Describe(TestPolicies.Default, Reading(Counted(99.9m, 20, 10)))); // exactly doubled: at the threshold
    }

    [Fact]
    public void Evaluate_ExceptionsWithoutABaselineAboveZero_AreNotJudged()
    {
        Assert.Null(HealthBreaches.Describe(TestPolicies.Default, Reading(Counted(99.9m, 500, 0))));
        Assert.Null(HealthBreaches.Describe(TestPolicies.Default, Reading(Counted(99.9m, 500, null))));
    }

    [Fact]
    public void Evaluate_SystemOwnAvailabilityAndExceptionThresholds_OverrideTheDefaults_AndUnsetOnesFallBack()
    {
        var own = new PerformanceThresholds { MaxErrorRatePercent = 1m, MaxP95LatencyMilliseconds = 1000, MinAvailabilityPercent = 99.95m };
        var policy = TestPolicies.Default with
        {
            Systems = TestPolicies.Default.Systems.ToDictionary(kv => kv.Key, kv => kv.Key == "Billing" ? kv.Value with { Thresholds = own } : kv.Value),
        };

        Assert.Equal(["availability 99.9 % below 99.95 %", "exceptions 30 up 200 % on the baseline's 10, above 100 %"],
            HealthBreaches.Evaluate(policy, Reading(Counted(99.9m, 30, 10)))["Billing"]);
    }

    [Fact]
    public void FromPolicy_AvailabilityAbove100_IsRefusedByTheSchema()
    {
        var policy = TestPolicies.Default with
        {
            SuccessCriteria = TestPolicies.Default.SuccessCriteria with
            {
                DefaultThresholds = TestPolicies.Default.SuccessCriteria.DefaultThresholds with { MinAvailabilityPercent = 101m },
            },
        };

        var errors = ReleasePolicyLoader.FromPolicy(policy, "code").Errors;

        Assert.All(errors, e => Assert.Equal("$.successCriteria.defaultThresholds.minAvailabilityPercent", e.Path));
        Assert.Contains(errors, e => e.Message.Contains("at most 100", StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_SystemWithItsOwnThresholds_IsJudgedByThemNotTheDefaults()
    {
        var strict = new PerformanceThresholds { MaxErrorRatePercent = 0.1m, MaxP95LatencyMilliseconds = 100 };
        var policy = TestPolicies.Default with
        {
            Systems = TestPolicies.Default.Systems.ToDictionary(kv => kv.Key, kv => kv.Key == "Billing" ? kv.Value with { Thresholds = strict } : kv.Value),
        };

        Assert.Equal(strict, HealthBreaches.ThresholdsFor(policy, "billing"));
        Assert.Equal(TestPolicies.Default.SuccessCriteria.DefaultThresholds, HealthBreaches.ThresholdsFor(policy, "Unknown"));
        Assert.Equal("Billing: error rate 0.5 % above 0.1 %; Billing: p95 duration 400 ms above 100 ms", HealthBreaches.Describe(policy, Reading(Billing(0.5m, 400))));
    }

    [Fact]
    public void Window_LongSinceDeployment_IsTheTimeSinceItWithAsLongABaselineBefore()
    {
        var deployedAt = new DateTimeOffset(2027, 3, 15, 8, 0, 0, TimeSpan.Zero);
        var now = deployedAt.AddHours(4);

        var query = HealthWindow.For("r-1", ["Billing"], deployedAt, now);

        Assert.Equal((deployedAt, now, deployedAt.AddHours(-4), deployedAt), (query.WindowStart, query.WindowEnd, query.BaselineStart, query.BaselineEnd));
    }

    [Fact]
    public void Window_JustDeployed_IsTheMinimumLengthEndingNow()
    {
        var deployedAt = new DateTimeOffset(2027, 3, 15, 8, 0, 0, TimeSpan.Zero);
        var now = deployedAt.AddMinutes(1);

        var query = HealthWindow.For("r-1", ["Billing"], deployedAt, now);

        Assert.Equal(now, query.WindowEnd);
        Assert.Equal(HealthWindow.MinimumLength, query.WindowEnd - query.WindowStart);
        Assert.Equal(HealthWindow.MinimumLength, query.BaselineEnd - query.BaselineStart);
        Assert.Equal(query.WindowStart, query.BaselineEnd);
    }

    [Fact]
    public void Window_DeploymentRecordedNearTheStartOfTime_HasABaselineFromTheEarliestInstantInsteadOfFailing()
    {
        var deployedAt = new DateTimeOffset(1, 1, 2, 0, 0, 0, TimeSpan.Zero);
        var now = new DateTimeOffset(2027, 3, 15, 8, 0, 0, TimeSpan.Zero);

        var query = HealthWindow.For("r-1", ["Billing"], deployedAt, now);

        Assert.Equal((deployedAt, now, DateTimeOffset.MinValue, deployedAt), (query.WindowStart, query.WindowEnd, query.BaselineStart, query.BaselineEnd));
    }
}
