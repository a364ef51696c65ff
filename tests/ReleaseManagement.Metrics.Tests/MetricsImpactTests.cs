using ReleaseManagement.Events;
using ReleaseManagement.Policy;

namespace ReleaseManagement.Metrics.Tests;

/// <summary>Which local days a late event changes (<see cref="MetricsImpact.AffectedDays"/>): pure, no storage.</summary>
public sealed class MetricsImpactTests
{
    private static readonly TimeZoneInfo Utc = TimeZoneInfo.Utc;

    private static DateTimeOffset T(int day, int hour = 0) => new(2026, 3, day, hour, 0, 0, TimeSpan.Zero);

    private static DateOnly D(int day) => new(2026, 3, day);

    private static int _n;

    private static CanonicalEvent E(CanonicalEventType type, DateTimeOffset at, string? release = "R1", string? system = "Billing",
        string? environment = "production", string? outcome = EventOutcomes.Success, string? incident = null) =>
        new($"test:{Interlocked.Increment(ref _n)}", "api", type, at, release, system, environment, outcome,
            incident is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [EventAttributes.Incident] = incident });

    [Fact]
    public void AffectedDays_LateDeploymentWithNothingAfterIt_IsItsOwnDay()
    {
        var deployed = E(CanonicalEventType.ServiceDeployed, T(10, 6));

        Assert.Equal([D(10)], MetricsImpact.AffectedDays(deployed, [deployed, E(CanonicalEventType.ServiceDeployed, T(2))], Utc));
    }

    [Fact]
    public void AffectedDays_EventsThatYieldNoFact_AffectNothing()
    {
        Assert.Empty(MetricsImpact.AffectedDays(E(CanonicalEventType.PipelineRunFinished, T(10)), [], Utc));
        Assert.Empty(MetricsImpact.AffectedDays(E(CanonicalEventType.ServiceDeployed, T(10), environment: "staging"), [], Utc));
        Assert.Empty(MetricsImpact.AffectedDays(E(CanonicalEventType.ChangeMerged, T(10), release: null, environment: null), [], Utc));
        Assert.Empty(MetricsImpact.AffectedDays(E(CanonicalEventType.MilestoneReached, T(10)), [], Utc));
        Assert.False(MetricsImpact.CanChangeFacts(E(CanonicalEventType.ServiceDeployed, T(10), outcome: EventOutcomes.Cancelled)));
    }

    [Fact]
    public void AffectedDays_LateMerge_MarksTheReleasesLaterProductionDeploymentsOnly()
    {
        var merged = E(CanonicalEventType.ChangeMerged, T(5), environment: null);
        var related = new[]
        {
            E(CanonicalEventType.ServiceDeployed, T(3)), // before the merge: its lead time does not use it
            E(CanonicalEventType.ServiceDeployed, T(7), environment: "staging"),
            E(CanonicalEventType.ServiceDeployed, T(8), outcome: EventOutcomes.Failure),
            E(CanonicalEventType.ServiceDeployed, T(9)),
            E(CanonicalEventType.ServiceDeployed, T(12), release: "R2"),
        };

        Assert.Equal([D(8), D(9)], MetricsImpact.AffectedDays(merged, related, Utc));
    }

    [Fact]
    public void AffectedDays_LateRollback_MarksItsDayAndTheDeploymentItFails()
    {
        var rollback = E(CanonicalEventType.ServiceRolledBack, T(11));
        var related = new[]
        {
            E(CanonicalEventType.ServiceDeployed, T(4)),
            E(CanonicalEventType.ServiceDeployed, T(6)), // the latest successful one before: the one it fails
            E(CanonicalEventType.ServiceDeployed, T(8), outcome: EventOutcomes.Failure),
            E(CanonicalEventType.ServiceDeployed, T(9), system: "Forecasting"),
            E(CanonicalEventType.ServiceDeployed, T(12)),
        };

        Assert.Equal([D(6), D(11)], MetricsImpact.AffectedDays(rollback, related, Utc));
    }

    [Fact]
    public void AffectedDays_LateRollback_MarksLaterRollbacksAndResolutionsWhoseRecoveryItChanges()
    {
        var rollback = E(CanonicalEventType.ServiceRolledBack, T(11));
        var related = new[]
        {
            E(CanonicalEventType.IncidentDetected, T(10), outcome: null, incident: "INC-1"),
            E(CanonicalEventType.IncidentResolved, T(13), outcome: null, incident: "INC-1"),
            E(CanonicalEventType.ServiceRolledBack, T(15)),
            E(CanonicalEventType.ServiceRolledBack, T(16), system: "Forecasting"),
        };

        Assert.Equal([D(11), D(13), D(15)], MetricsImpact.AffectedDays(rollback, related, Utc));
    }

    [Fact]
    public void AffectedDays_LateDeployment_MarksTheLaterRollbacksAndIncidentsAttributedToIt()
    {
        var deployed = E(CanonicalEventType.ServiceDeployed, T(5));
        var related = new[]
        {
            E(CanonicalEventType.IncidentDetected, T(6), outcome: null, incident: "INC-1"),
            E(CanonicalEventType.ServiceRolledBack, T(7)),
            E(CanonicalEventType.ServiceRolledBack, T(2)),
            E(CanonicalEventType.ServiceRolledBack, T(9), system: "Forecasting"),
        };

        Assert.Equal([D(5), D(6), D(7)], MetricsImpact.AffectedDays(deployed, related, Utc));
    }

    [Fact]
    public void AffectedDays_LateIncident_MarksTheDeploymentAndTheResolutionsOfTheSameIncidentWithinTheLookback()
    {
        var detected = E(CanonicalEventType.IncidentDetected, T(10), release: null, outcome: null, incident: "INC-9");
        var related = new[]
        {
            E(CanonicalEventType.IncidentResolved, T(12), release: null, outcome: null, incident: "INC-9"),
            E(CanonicalEventType.IncidentResolved, T(14), release: null, outcome: null, incident: "INC-8"),
            E(CanonicalEventType.IncidentResolved, new DateTimeOffset(2026, 4, 12, 0, 0, 0, TimeSpan.Zero), release: null, outcome: null, incident: "INC-9"),
        };

        Assert.True(MetricsImpact.NeedsFollowingEvents(detected));
        Assert.Equal([D(10), D(12)], MetricsImpact.AffectedDays(detected, related, Utc));

        var correlated = E(CanonicalEventType.IncidentDetected, T(10, 18), outcome: null, incident: "INC-A");
        Assert.Equal([D(3), D(10), D(11)], MetricsImpact.AffectedDays(correlated, [E(CanonicalEventType.ServiceDeployed, T(3, 12)), E(CanonicalEventType.ServiceRolledBack, T(11))], Utc));
    }

    [Fact]
    public void AffectedDays_DaysAreLocalToThePolicyTimeZone()
    {
        Assert.True(PolicyTime.TryFindZone("America/New_York", out var zone));
        var rollback = E(CanonicalEventType.ServiceRolledBack, new DateTimeOffset(2026, 3, 11, 3, 0, 0, TimeSpan.Zero)); // 10 March 23:00 local
        var deployed = E(CanonicalEventType.ServiceDeployed, new DateTimeOffset(2026, 3, 6, 2, 0, 0, TimeSpan.Zero)); // 5 March 21:00 local

        Assert.Equal([D(5), D(10)], MetricsImpact.AffectedDays(rollback, [deployed], zone));
    }
}
