using Microsoft.Extensions.Logging;
using ReleaseManagement.Events;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Activities;

/// <summary>Publishes a release event to other systems (<see cref="IReleaseEventPublisher"/>); idempotent through the event id.</summary>
public sealed partial class PublishReleaseEvent(IReleaseEventPublisher publisher, ILogger<PublishReleaseEvent> log)
{
    public async Task RunAsync(ReleaseEvent evt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evt);
        await publisher.PublishAsync(evt, cancellationToken);
        LogPublished(log, evt.Type, evt.ReleaseId, evt.EventId);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Published {EventType} for release {ReleaseId} as {EventId}")]
    private static partial void LogPublished(ILogger logger, ReleaseEventType eventType, string releaseId, string eventId);
}
