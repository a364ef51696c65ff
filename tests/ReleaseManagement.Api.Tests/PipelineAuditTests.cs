using ReleaseManagement.Api.Webhooks;
using ReleaseManagement.Audit;
using ReleaseManagement.Events;

namespace ReleaseManagement.Api.Tests;

/// <summary>Which pipeline events raised to a release the audit trail records, and how (channel webhook, keyed by the event id).</summary>
public class PipelineAuditTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 9, 30, 0, TimeSpan.Zero);

    private static CanonicalEvent Event(CanonicalEventType type, string? environment = null, string? outcome = null, params (string Key, string Value)[] attributes) =>
        new("github:42", "github", type, T0, "2026.12.0", "Billing", environment, outcome, attributes.ToDictionary(a => a.Key, a => a.Value));

    [Fact]
    public void AuditEntryOf_Deployment_IsAWebhookDeploymentRowKeyedByTheEventId()
    {
        var entry = PipelineEventProcessor.AuditEntryOf(Event(CanonicalEventType.ServiceDeployed, "production", EventOutcomes.Success))!;

        Assert.Equal(("2026.12.0", "github:42", AuditActions.Deployment, "github", AuditChannels.Webhook, T0),
            (entry.ReleaseId, entry.EventKey, entry.Action, entry.By, entry.Channel, entry.At));
        Assert.Equal("ServiceDeployed from github (production): success.", entry.Summary);
        Assert.Equal("production", entry.Data!["environment"]);
    }

    [Theory]
    [InlineData(CanonicalEventType.ServiceRolledBack, AuditActions.Rollback)]
    [InlineData(CanonicalEventType.MilestoneReached, AuditActions.Milestone)]
    [InlineData(CanonicalEventType.GateEvidence, AuditActions.Evidence)]
    public void AuditEntryOf_AuditedTypes_HaveTheirAction(CanonicalEventType type, string action) =>
        Assert.Equal(action, PipelineEventProcessor.AuditEntryOf(Event(type))!.Action);

    [Fact]
    public void AuditEntryOf_PipelinesWaiver_IsAWaiverByTheApproverNamed()
    {
        var entry = PipelineEventProcessor.AuditEntryOf(Event(CanonicalEventType.GateEvidence, attributes:
            [(EventAttributes.GateItem, "backup"), (EventAttributes.Waiver, "Snapshot"), (EventAttributes.Approver, "rm@example.com")]))!;

        Assert.Equal((AuditActions.Waiver, "rm@example.com", "Snapshot"), (entry.Action, entry.By, entry.Data!["waiver"]));
    }

    [Fact]
    public void AuditEntryOf_OtherTypesOrNoRelease_IsNull()
    {
        Assert.Null(PipelineEventProcessor.AuditEntryOf(Event(CanonicalEventType.IncidentDetected)));
        Assert.Null(PipelineEventProcessor.AuditEntryOf(Event(CanonicalEventType.ServiceDeployed) with { ReleaseId = null }));
    }
}
