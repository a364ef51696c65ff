using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using ReleaseManagement.Events;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Api.Webhooks;

/// <summary>What one message came to.</summary>
public enum ProcessOutcome
{
    /// <summary>Stored (and raised to the release when it is running).</summary>
    Processed,

    /// <summary>Already processed: nothing done.</summary>
    Duplicate,

    /// <summary>The delivery normalizes to no event we use (e.g. the rules changed since it was accepted).</summary>
    Dropped,
}

/// <summary>
/// Handles one message of the pipeline-events queue, whatever carried it (the Functions queue trigger, the local host's
/// queue loop, or a Service Bus trigger later: each passes the message text). Idempotent: the canonical event is inserted
/// conditionally on its id, and a message whose event was fully processed before does nothing. Any failure throws, so the
/// transport retries it and, after its dequeue limit, moves it to the poison queue: a message is never lost.
/// </summary>
public sealed partial class PipelineEventProcessor(
    IRawDeliveryStore deliveries,
    PipelineEventNormalizer normalizer,
    IPipelineEventStore store,
    TimeProvider time,
    ILogger<PipelineEventProcessor> log)
{
    public async Task<ProcessOutcome> ProcessAsync(string messageText, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        var message = PipelineEventMessage.Parse(messageText);
        var delivery = await deliveries.GetAsync(message.Source, message.DeliveryId, cancellationToken)
            ?? throw new InvalidOperationException($"The raw delivery {message.Source}/{message.DeliveryId} is not stored.");

        var result = normalizer.Normalize(delivery.ToInbound());
        if (result.Status != NormalizationStatus.Accepted)
        {
            LogDropped(log, message.Source, message.DeliveryId, result.Status, result.Detail);
            return ProcessOutcome.Dropped;
        }

        var evt = result.Event!;
        if (await store.AddAsync(evt, time.GetUtcNow(), cancellationToken) == StoreOutcome.ExistsDone)
        {
            LogDuplicate(log, evt.EventId);
            return ProcessOutcome.Duplicate;
        }

        string outcome;
        if (evt.ReleaseId is not { } releaseId)
        {
            outcome = EventDelivery.Uncorrelated;
            LogUncorrelated(log, evt.EventId, evt.Type);
        }
        else
        {
            var instance = await durable.GetInstanceAsync(releaseId, cancellationToken);
            if (!RunningRelease.IsRunning(instance))
            {
                outcome = EventDelivery.NotRunning;
                LogNotRunning(log, evt.EventId, releaseId, instance?.RuntimeStatus.ToString() ?? "absent");
            }
            else
            {
                await durable.RaiseEventAsync(releaseId, ReleaseEventNames.Pipeline, evt, cancellationToken);
                outcome = EventDelivery.Raised;
                LogRaised(log, evt.EventId, evt.Type, releaseId);
            }
        }

        await store.MarkProcessedAsync(evt, outcome, time.GetUtcNow(), cancellationToken);
        return ProcessOutcome.Processed;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {Source}/{DeliveryId} normalized to {Status}: {Detail}; dropped")]
    private static partial void LogDropped(ILogger logger, string source, string deliveryId, NormalizationStatus status, string? detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId} was processed before; nothing to do")]
    private static partial void LogDuplicate(ILogger logger, string eventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId} ({EventType}) names no release: stored for metrics")]
    private static partial void LogUncorrelated(ILogger logger, string eventId, CanonicalEventType eventType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} for release {ReleaseId} stored but not raised: the orchestration is {RuntimeStatus}")]
    private static partial void LogNotRunning(ILogger logger, string eventId, string releaseId, string runtimeStatus);

    [LoggerMessage(Level = LogLevel.Information, Message = "Raised event {EventId} ({EventType}) to release {ReleaseId}")]
    private static partial void LogRaised(ILogger logger, string eventId, CanonicalEventType eventType, string releaseId);
}
