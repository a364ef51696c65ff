using ReleaseManagement.Events;

namespace ReleaseManagement.Ports;

/// <summary>A delivery exactly as received, kept so it can be reprocessed (blob container <c>pipeline-deliveries</c> in Azure).</summary>
public sealed record RawDelivery(
    string Source,
    string DeliveryId,
    string EventType,
    DateTimeOffset ReceivedAt,
    ReadOnlyMemory<byte> Body)
{
    public InboundDelivery ToInbound() => new(Source, Body, ReceivedAt, EventType, DeliveryId);
}

/// <summary>Where raw deliveries are kept. Adding is conditional on (source, delivery id): the first one wins.</summary>
public interface IRawDeliveryStore
{
    /// <summary>Stores the delivery; false, changing nothing, when one with the same source and id exists.</summary>
    Task<bool> TryAddAsync(RawDelivery delivery, CancellationToken cancellationToken = default);

    Task<RawDelivery?> GetAsync(string source, string deliveryId, CancellationToken cancellationToken = default);

    /// <summary>Whether the delivery's queue message was sent (a delivery stored but never enqueued is enqueued on redelivery).</summary>
    Task<bool> IsEnqueuedAsync(string source, string deliveryId, CancellationToken cancellationToken = default);

    /// <summary>Records that the delivery's message was sent. <paramref name="asStored"/>, when given, is the delivery exactly
    /// as it was stored (lets an adapter do it in one call).</summary>
    Task MarkEnqueuedAsync(string source, string deliveryId, RawDelivery? asStored = null, CancellationToken cancellationToken = default);
}

/// <summary>What storing a canonical event found.</summary>
public enum StoreOutcome
{
    /// <summary>Stored now for the first time.</summary>
    Added,

    /// <summary>Stored before, but its effects (index, raise) were not all recorded: finish them.</summary>
    ExistsPending,

    /// <summary>Stored and fully processed before: a duplicate, nothing to do.</summary>
    ExistsDone,
}

/// <summary>What the processor did with a stored event (<see cref="StoredPipelineEvent.Delivery"/>).</summary>
public static class EventDelivery
{
    /// <summary>Raised to the release's running orchestration.</summary>
    public const string Raised = "raised";

    /// <summary>The release's orchestration does not exist or has finished: stored only.</summary>
    public const string NotRunning = "not-running";

    /// <summary>No release could be correlated: stored for metrics only.</summary>
    public const string Uncorrelated = "uncorrelated";
}

/// <summary>A stored canonical event with what the processor did with it.</summary>
/// <param name="Delivery">null until processed; then raised, not-running (the release's orchestration was absent or
/// finished), or uncorrelated.</param>
public sealed record StoredPipelineEvent(CanonicalEvent Event, DateTimeOffset StoredAt, string? Delivery, DateTimeOffset? ProcessedAt);

/// <summary>
/// Canonical events (table <c>PipelineEvents</c> in Azure): one row per event in a partition per month for metric queries,
/// plus an index row per event under its release. Adding is a conditional insert on the event id; the index row and the
/// outcome are written by <see cref="MarkProcessedAsync"/>.
/// </summary>
public interface IPipelineEventStore
{
    Task<StoreOutcome> AddAsync(CanonicalEvent evt, DateTimeOffset storedAt, CancellationToken cancellationToken = default);

    /// <summary>Writes the release index row and records what was done with the event; after this, <see cref="AddAsync"/>
    /// answers <see cref="StoreOutcome.ExistsDone"/>. Idempotent.</summary>
    Task MarkProcessedAsync(CanonicalEvent evt, string delivery, DateTimeOffset at, CancellationToken cancellationToken = default);

    Task<StoredPipelineEvent?> GetAsync(string eventId, DateTimeOffset occurredAt, CancellationToken cancellationToken = default);

    /// <summary>A release's events in the order they happened.</summary>
    Task<IReadOnlyList<StoredPipelineEvent>> ListByReleaseAsync(string releaseId, CancellationToken cancellationToken = default);

    /// <summary>Every event that happened in [from, to), for metrics.</summary>
    Task<IReadOnlyList<StoredPipelineEvent>> ListByPeriodAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);
}

/// <summary>
/// The message that tells the processor a delivery waits (queue <c>pipeline-events</c>): a reference, never the body, as
/// JSON <c>{"source","deliveryId","eventType"}</c>. The same text works over any transport.
/// </summary>
public sealed record PipelineEventMessage(string Source, string DeliveryId, string EventType)
{
    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);

    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a message; throws <see cref="FormatException"/> on anything else (such a message ends in the poison queue).</summary>
    public static PipelineEventMessage Parse(string text)
    {
        try
        {
            if (System.Text.Json.JsonSerializer.Deserialize<PipelineEventMessage>(text, Json) is { Source.Length: > 0, DeliveryId.Length: > 0, EventType: not null } message)
            {
                return message;
            }
        }
        catch (System.Text.Json.JsonException)
        {
        }

        throw new FormatException("The queue message is not a pipeline event message ({\"source\",\"deliveryId\",\"eventType\"}).");
    }
}

/// <summary>The queue between the webhook endpoints and the processor.</summary>
public interface IPipelineEventQueue
{
    Task EnqueueAsync(PipelineEventMessage message, CancellationToken cancellationToken = default);
}

/// <summary>Publishes release events (<see cref="ReleaseEvent"/>) for other systems (Service Bus topic <c>release-events</c> in Azure).</summary>
public interface IReleaseEventPublisher
{
    /// <summary>Publishes once per <see cref="ReleaseEvent.EventId"/>: publishing the same id again is deduplicated downstream.</summary>
    Task PublishAsync(ReleaseEvent evt, CancellationToken cancellationToken = default);
}
