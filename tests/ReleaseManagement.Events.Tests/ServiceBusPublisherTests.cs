using System.Text.Json;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging.Abstractions;
using ReleaseManagement.Activities;
using ReleaseManagement.Azure.Events;
using ReleaseManagement.Events;

namespace ReleaseManagement.Events.Tests;

public sealed class ServiceBusPublisherTests
{
    /// <summary>A sender test double: the SDK's sender is mockable through its protected constructor.</summary>
    private sealed class CapturingSender : ServiceBusSender
    {
        public List<ServiceBusMessage> Sent { get; } = [];

        public override string EntityPath => "release-events";

        public override Task SendMessageAsync(ServiceBusMessage message, CancellationToken cancellationToken = default)
        {
            Sent.Add(message);
            return Task.CompletedTask;
        }
    }

    private static readonly ReleaseEvent Requested = new(
        "7d3f0c52-1b8e-4a57-9a55-2b1c7e0d9f10",
        "2025.07",
        ReleaseEventType.ApprovalRequested,
        new DateTimeOffset(2025, 7, 1, 9, 30, 0, TimeSpan.Zero),
        new Dictionary<string, string> { ["stage"] = "plan", ["approvers"] = "cab@example.com" });

    [Fact]
    public async Task Publish_ApprovalRequested_SendsCloudEventMessageKeyedForDedupAndSessions()
    {
        var sender = new CapturingSender();
        var publisher = new ServiceBusReleaseEventPublisher(sender, "/release-functions");
        var activity = new PublishReleaseEvent(publisher, NullLogger<PublishReleaseEvent>.Instance);

        await activity.RunAsync(Requested, TestContext.Current.CancellationToken);

        var message = Assert.Single(sender.Sent);
        Assert.Equal(Requested.EventId, message.MessageId);
        Assert.Equal("2025.07", message.SessionId);
        Assert.Equal("dev.cdeventsx.releasefunctions-approval.requested.0.1.0", message.Subject);
        Assert.StartsWith("application/cloudevents+json", message.ContentType);
        Assert.Equal("2025.07", message.ApplicationProperties["releaseId"]);
    }

    [Fact]
    public void Subscriber_ReceivedMessage_DecodesToTheCloudEventWithACDEventInside()
    {
        var sent = ServiceBusReleaseEventPublisher.ToMessage(Requested, "/release-functions");
        var received = ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: sent.Body, messageId: sent.MessageId, sessionId: sent.SessionId, subject: sent.Subject,
            contentType: sent.ContentType, properties: sent.ApplicationProperties);

        var cloudEvent = ServiceBusReleaseEventPublisher.FromMessage(received);

        Assert.Equal(Requested.EventId, cloudEvent.Id);
        Assert.Equal("dev.cdeventsx.releasefunctions-approval.requested.0.1.0", cloudEvent.Type);
        Assert.Equal("/release-functions", cloudEvent.Source!.ToString());
        Assert.Equal("2025.07", cloudEvent.Subject);
        Assert.Equal(Requested.OccurredAt, cloudEvent.Time);
        var data = Assert.IsType<JsonElement>(cloudEvent.Data);
        Assert.Equal("0.4.1", data.GetProperty("context").GetProperty("specversion").GetString());
        Assert.Equal(Requested.EventId, data.GetProperty("context").GetProperty("id").GetString());
        Assert.Equal("releasefunctions-approval", data.GetProperty("subject").GetProperty("type").GetString());
        Assert.Equal("plan", data.GetProperty("subject").GetProperty("content").GetProperty("stage").GetString());
    }

    [Theory]
    [InlineData(ReleaseEventType.ApprovalGranted, "dev.cdeventsx.releasefunctions-approval.granted.0.1.0")]
    [InlineData(ReleaseEventType.ApprovalRejected, "dev.cdeventsx.releasefunctions-approval.rejected.0.1.0")]
    [InlineData(ReleaseEventType.ApprovalExpired, "dev.cdeventsx.releasefunctions-approval.expired.0.1.0")]
    [InlineData(ReleaseEventType.PhaseChanged, "dev.cdeventsx.releasefunctions-release.phasechanged.0.1.0")]
    [InlineData(ReleaseEventType.ReleaseCompleted, "dev.cdeventsx.releasefunctions-release.completed.0.1.0")]
    public void CloudEventType_EachTransition_IsVersionedCustomCDEventsType(ReleaseEventType type, string expected)
    {
        Assert.Equal(expected, ReleaseEvent.CloudEventType(type));
    }

    [Fact]
    public void CloudEventType_EveryTransition_HasADistinctType()
    {
        var types = Enum.GetValues<ReleaseEventType>().Select(ReleaseEvent.CloudEventType).ToList();
        Assert.Equal(types.Count, types.Distinct().Count());
    }
}
