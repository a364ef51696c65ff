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
}
