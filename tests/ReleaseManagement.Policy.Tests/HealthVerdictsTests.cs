using ReleaseManagement.Ports;

namespace ReleaseManagement.Policy.Tests;

/// <summary>The verdict per system the post-release monitor stores: missing data is never healthy (issue 13, point 1).</summary>
public sealed class HealthVerdictsTests
{
    private static readonly DateTimeOffset At = new(2027, 3, 15, 8, 0, 0, TimeSpan.Zero);

    private static HealthReading Reading(string? error = null, bool partial = false, params SystemHealth[] systems) => new("r-1", At, systems, partial, error);

    private static SystemHealth Billing(decimal? errorRate = 0.1m, int? p95 = 200, decimal? availability = 99.9m) =>
        new("Billing", errorRate, p95, availability, 1, 0.1m, 210, 99.9m, 1);

    [Fact]
    public void Judge_NoSystemReported_StoresEachReleaseSystemAsMissingData()
    {
        var rows = HealthVerdicts.Judge(TestPolicies.Default, Reading(error: "monitoring not configured"), ["Billing", "Ledger"]);

        Assert.Equal(["Billing", "Ledger"], rows.Select(r => r.Health.System));
        Assert.All(rows, r => Assert.Equal(HealthVerdict.MissingData, r.Verdict));
        Assert.All(rows, r => Assert.Equal(("r-1", At, "monitoring not configured"), (r.ReleaseId, r.At, r.Error)));
    }

    [Fact]
    public void Judge_CompleteReading_IsHealthy()
    {
        var row = Assert.Single(HealthVerdicts.Judge(TestPolicies.Default, Reading(systems: Billing()), ["Billing"]));

        Assert.Equal(HealthVerdict.Healthy, row.Verdict);
        Assert.Empty(row.Breaches);
    }

    [Fact]
    public void Judge_NoRequestsInTheWindow_IsMissingDataNotHealthy()
    {
        var row = Assert.Single(HealthVerdicts.Judge(TestPolicies.Default, Reading(systems: Billing(errorRate: null, p95: null)), ["Billing"]));

        Assert.Equal(HealthVerdict.MissingData, row.Verdict);
    }

    [Fact]
    public void Judge_NoAvailabilityWhereThePolicyJudgesIt_IsMissingData()
    {
        var row = Assert.Single(HealthVerdicts.Judge(TestPolicies.Default, Reading(systems: Billing(availability: null)), ["Billing"]));

        Assert.Equal(HealthVerdict.MissingData, row.Verdict);
    }

    [Fact]
    public void Judge_PartialAnswer_IsMissingDataForEverySystem()
    {
        var row = Assert.Single(HealthVerdicts.Judge(TestPolicies.Default, Reading(partial: true, systems: Billing()), ["Billing"]));

        Assert.Equal(HealthVerdict.MissingData, row.Verdict);
    }

    [Fact]
    public void Judge_ThresholdCrossed_IsBreachedWithTheBreach()
    {
        var row = Assert.Single(HealthVerdicts.Judge(TestPolicies.Default, Reading(systems: Billing(errorRate: 5m)), ["Billing"]));

        Assert.Equal(HealthVerdict.Breached, row.Verdict);
        Assert.Contains(row.Breaches, b => b.StartsWith("error rate 5", StringComparison.Ordinal));
    }

    [Fact]
    public void Judge_SystemOnlyTheReadingNames_IsStoredToo()
    {
        var rows = HealthVerdicts.Judge(TestPolicies.Default, Reading(systems: Billing()), ["Ledger"]);

        Assert.Equal([("Ledger", HealthVerdict.MissingData), ("Billing", HealthVerdict.Healthy)], rows.Select(r => (r.Health.System, r.Verdict)));
    }
}
