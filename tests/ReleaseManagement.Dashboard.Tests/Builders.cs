using ReleaseManagement.Api.Dashboard;
using ReleaseManagement.Events;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Dashboard.Tests;

/// <summary>Releases, events and the policy for the view-builder tests, at a fixed instant.</summary>
internal static class Builders
{
    public static readonly DateTimeOffset Now = new(2026, 11, 10, 15, 0, 0, TimeSpan.Zero);

    public static readonly ReleasePolicy DefaultPolicy = ReleasePolicyDefaults.Create();

    /// <summary>The built-in policy letting people report machine evidence by hand (as the tests' hosts run), so the page offers the evidence form for every evidence item.</summary>
    public static readonly ReleasePolicy HandEvidencePolicy = DefaultPolicy with { Access = DefaultPolicy.Access with { PeopleMayReportMachineEvidence = true } };

    public static readonly DisplayFormat Format = new(PolicyTime.Zone(DefaultPolicy));

    public static ReleaseRecord Release(
        string id,
        ReleasePhase phase = ReleasePhase.Development,
        ReleaseStatus status = ReleaseStatus.Active,
        ReleaseType type = ReleaseType.Minor,
        string[]? systems = null,
        DateOnly? target = null,
        string title = "A release",
        IReadOnlyList<PendingApproval>? pending = null,
        DateTimeOffset? updated = null,
        string? reason = "Working.",
        string? stage = null) =>
        new(
            new ReleaseRequest(id, title, type, systems ?? ["Billing"], target ?? new DateOnly(2026, 12, 15), "lead2@example.com",
                new Dictionary<string, IReadOnlyList<string>> { ["product-owner"] = ["po@example.com"], ["technical-lead"] = ["lead@example.com"] }),
            Now.AddDays(-5),
            phase,
            status,
            reason,
            updated ?? Now.AddHours(-1),
            stage,
            PendingApprovals: pending,
            Risk: "High (impact High, probability Medium): Extensive testing, phased rollout");

    public static StoredPipelineEvent Deployed(
        string releaseId, string environment, DateTimeOffset at, string? system = "Billing", string outcome = EventOutcomes.Success,
        string? version = null, bool rollback = false) =>
        new(
            new CanonicalEvent(
                $"test:{Guid.NewGuid():N}", "cdevents", rollback ? CanonicalEventType.ServiceRolledBack : CanonicalEventType.ServiceDeployed, at,
                releaseId, system, environment, outcome,
                version is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [EventAttributes.Version] = version }),
            at,
            EventDelivery.Raised,
            at);
}
