using ReleaseManagement.Configuration;
using System.Globalization;
using System.Text.Json;
using Azure.Core;
using Azure.Identity;
using Azure.Messaging.ServiceBus;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReleaseManagement.Events;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Events;

/// <summary>
/// Settings under <c>ServiceBus</c>: where release events (<see cref="ReleaseEvent"/>) are published. Set <c>FullyQualifiedNamespace</c>
/// (managed identity; <c>ClientId</c> for a user-assigned one) or <c>ConnectionString</c>; with neither, publishing is
/// only logged (local development).
/// </summary>
public sealed class ServiceBusPublisherOptions
{
    public const string Section = "ServiceBus";

    public string? FullyQualifiedNamespace { get; set; }

    [LocalOnlySetting("Azure uses the namespace and the managed identity; a connection string is for local development.")]
    public string? ConnectionString { get; set; }

    public string? ClientId { get; set; }

    public string Topic { get; set; } = "release-events";

    /// <summary>The CloudEvents <c>source</c> of every published event.</summary>
    public string EventSource { get; set; } = "/release-functions";

    public bool IsConfigured => !string.IsNullOrWhiteSpace(FullyQualifiedNamespace) || !string.IsNullOrWhiteSpace(ConnectionString);
}

public sealed class ServiceBusPublisherOptionsValidator : IValidateOptions<ServiceBusPublisherOptions>
{
    public ValidateOptionsResult Validate(string? name, ServiceBusPublisherOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Topic))
        {
            errors.Add("ServiceBus:Topic must not be empty.");
        }

        if (!Uri.TryCreate(options.EventSource, UriKind.RelativeOrAbsolute, out _) || string.IsNullOrWhiteSpace(options.EventSource))
        {
            errors.Add("ServiceBus:EventSource must be a URI reference.");
        }

        if (!string.IsNullOrWhiteSpace(options.FullyQualifiedNamespace) && !string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            errors.Add("Set either ServiceBus:FullyQualifiedNamespace or ServiceBus:ConnectionString, not both.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>
/// Publishes each release event to the Service Bus topic <c>release-events</c> as a CloudEvents 1.0
/// structured JSON message built with the CloudNative.CloudEvents SDK. Its <c>data</c> is a CDEvent of our own versioned
/// custom type (<see cref="ReleaseEvent.CloudEventType"/>). Message id = event id (duplicate detection), session
/// id = release id (per-release order), subject = event type.
/// </summary>
public sealed class ServiceBusReleaseEventPublisher(ServiceBusSender sender, string eventSource) : IReleaseEventPublisher
{
    public const string CDEventsSpecVersion = "0.4.1";
    private static readonly JsonEventFormatter Formatter = new();

    public static ServiceBusClient CreateClient(ServiceBusPublisherOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return new ServiceBusClient(options.ConnectionString);
        }

        TokenCredential credential = string.IsNullOrWhiteSpace(options.ClientId)
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.ClientId));
        return new ServiceBusClient(options.FullyQualifiedNamespace, credential);
    }

    public Task PublishAsync(ReleaseEvent evt, CancellationToken cancellationToken = default) =>
        sender.SendMessageAsync(ToMessage(evt, eventSource), cancellationToken);

    public static CloudEvent ToCloudEvent(ReleaseEvent evt, string eventSource)
    {
        var type = ReleaseEvent.CloudEventType(evt.Type);
        var cdevent = new
        {
            context = new
            {
                specversion = CDEventsSpecVersion,
                id = evt.EventId,
                source = eventSource,
                type,
                timestamp = evt.OccurredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
            },
            subject = new
            {
                id = evt.ReleaseId,
                source = eventSource,
                type = ReleaseEvent.SubjectType(evt.Type),
                content = evt.Data,
            },
        };
        return new CloudEvent(CloudEventsSpecVersion.V1_0)
        {
            Id = evt.EventId,
            Source = new Uri(eventSource, UriKind.RelativeOrAbsolute),
            Type = type,
            Subject = evt.ReleaseId,
            Time = evt.OccurredAt,
            DataContentType = "application/json",
            Data = JsonSerializer.SerializeToElement(cdevent),
        };
    }

    public static ServiceBusMessage ToMessage(ReleaseEvent evt, string eventSource)
    {
        var cloudEvent = ToCloudEvent(evt, eventSource);
        var body = Formatter.EncodeStructuredModeMessage(cloudEvent, out var contentType);
        var message = new ServiceBusMessage(BinaryData.FromBytes(body))
        {
            MessageId = evt.EventId,
            SessionId = evt.ReleaseId,
            Subject = cloudEvent.Type,
            ContentType = contentType.ToString(),
        };
        message.ApplicationProperties["releaseId"] = evt.ReleaseId;
        return message;
    }

    /// <summary>Reads a received message back into a CloudEvent (what a subscriber does; used by the tests).</summary>
    public static CloudEvent FromMessage(ServiceBusReceivedMessage message) =>
        Formatter.DecodeStructuredModeMessage(message.Body.ToMemory(), new System.Net.Mime.ContentType(message.ContentType), null);
}

/// <summary>The publisher when no Service Bus is configured: logs each transition and drops it.</summary>
public sealed partial class LoggingReleaseEventPublisher(ILogger<LoggingReleaseEventPublisher> log) : IReleaseEventPublisher
{
    public Task PublishAsync(ReleaseEvent evt, CancellationToken cancellationToken = default)
    {
        LogNotPublished(log, evt.Type, evt.ReleaseId, evt.EventId);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Service Bus is not configured: {EventType} for release {ReleaseId} ({EventId}) was not published")]
    private static partial void LogNotPublished(ILogger logger, ReleaseEventType eventType, string releaseId, string eventId);
}
