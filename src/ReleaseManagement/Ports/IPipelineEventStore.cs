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
    /// <summary>The named pipeline that sent it (its webhook secret's name, <see cref="WebhookSecrets.PipelineOf"/>); null for an unnamed secret.</summary>
    public string? Pipeline { get; init; }

    public InboundDelivery ToInbound() => new(Source, Body, ReceivedAt, EventType, DeliveryId);
}

/// <summary>Where raw deliveries are kept. Adding is conditional on (source, delivery id): the first one wins.</summary>
public interface IRawDeliveryStore
{
    /// <summary>Stores the delivery; false, changing nothing, when one with the same source and id exists.
    /// <paramref name="enqueued"/>: its message was sent before it was stored (an inline message), so it is marked enqueued at once.</summary>
    Task<bool> TryAddAsync(RawDelivery delivery, bool enqueued = false, CancellationToken cancellationToken = default);

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
/// plus an index row per event under its release. Adding is a conditional insert on the event id; the index row is written
/// last, by <see cref="RecordIndexAsync"/> or <see cref="MarkProcessedAsync"/>.
/// </summary>
public interface IPipelineEventStore
{
    Task<StoreOutcome> AddAsync(CanonicalEvent evt, DateTimeOffset storedAt, CancellationToken cancellationToken = default);

    /// <summary>
    /// Inserts the event row conditionally on the event id, with <paramref name="delivery"/> (what the processor is about
    /// to do with it) already recorded when given: one write for an event of no release. An event of a release is done
    /// only once its index row is written (<see cref="RecordIndexAsync"/>), so <see cref="StoreOutcome.ExistsDone"/> is
    /// answered for it only then; for any other, once its row has an outcome.
    /// </summary>
    Task<StoreOutcome> AddAsync(CanonicalEvent evt, DateTimeOffset storedAt, string? delivery, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="AddAsync(CanonicalEvent, DateTimeOffset, string?, CancellationToken)"/> keeping <paramref name="raw"/>, the
    /// delivery exactly as received, on the event row (a small delivery that travelled inside its queue message and is
    /// stored nowhere else). A store that cannot keep it stores the event alone.
    /// </summary>
    Task<StoreOutcome> AddAsync(CanonicalEvent evt, DateTimeOffset storedAt, string? delivery, RawDelivery? raw, CancellationToken cancellationToken = default) =>
        AddAsync(evt, storedAt, delivery, cancellationToken);

    /// <summary>Records the outcome on the event row and then writes the release index row; after this, <see cref="AddAsync(CanonicalEvent, DateTimeOffset, CancellationToken)"/>
    /// answers <see cref="StoreOutcome.ExistsDone"/>. Idempotent.</summary>
    Task MarkProcessedAsync(CanonicalEvent evt, string delivery, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Writes the release index row only (the event row already holds <paramref name="delivery"/>): the last
    /// write of an event of a release, after which it is a duplicate. Nothing for an event of no release. Idempotent.</summary>
    Task RecordIndexAsync(CanonicalEvent evt, string delivery, DateTimeOffset at, CancellationToken cancellationToken = default);

    Task<StoredPipelineEvent?> GetAsync(string eventId, DateTimeOffset occurredAt, CancellationToken cancellationToken = default);

    /// <summary>A release's events in the order they happened.</summary>
    Task<IReadOnlyList<StoredPipelineEvent>> ListByReleaseAsync(string releaseId, CancellationToken cancellationToken = default);

    /// <summary>Every event that happened in [from, to), for metrics.</summary>
    Task<IReadOnlyList<StoredPipelineEvent>> ListByPeriodAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);
}

/// <summary>
/// The message that tells the processor a delivery waits (queue <c>pipeline-events</c>), as JSON. A small delivery travels
/// inside it (<c>{"source","deliveryId","eventType","receivedAt","body"}</c>, the body Base64), so the processor reads no
/// blob; a large one is a reference to its stored blob (<c>{"source","deliveryId","eventType"}</c>, the only format before
/// version 2 and still read). The same text works over any transport. Either may carry the W3C trace context of the webhook
/// delivery that sent it (<c>"traceParent"</c>, <c>"traceState"</c>), which the processor's span takes as its parent.
/// </summary>
public sealed record PipelineEventMessage(string Source, string DeliveryId, string EventType)
{
    /// <summary>
    /// The largest message text that travels inline: a Storage queue message is at most 64 KiB after the Base64 encoding
    /// the Functions trigger expects (4/3), so 40 000 characters (53 336 bytes encoded) leave about 12 KiB of headroom.
    /// </summary>
    public const int MaxInlineChars = 40_000;

    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>When the delivery was received (inline messages only).</summary>
    public DateTimeOffset? ReceivedAt { get; init; }

    /// <summary>The raw body, Base64 (inline messages only).</summary>
    public string? Body { get; init; }

    /// <summary>The named pipeline that sent the delivery (<see cref="RawDelivery.Pipeline"/>); absent for an unnamed secret.</summary>
    public string? Pipeline { get; init; }

    /// <summary>The W3C <c>traceparent</c> of the webhook delivery's span, when it was traced.</summary>
    public string? TraceParent { get; init; }

    /// <summary>The W3C <c>tracestate</c> that goes with <see cref="TraceParent"/> (dropped when longer than 256 characters).</summary>
    public string? TraceState { get; init; }

    /// <summary>Whether the delivery travels inside the message.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsInline => Body is not null && ReceivedAt is not null;

    /// <summary>The message carrying <paramref name="delivery"/> inline, or null when its text would exceed <see cref="MaxInlineChars"/>.</summary>
    public static PipelineEventMessage? Inline(RawDelivery delivery, string? traceParent = null, string? traceState = null)
    {
        // Base64 of the body plus the other fields (ids and types are short; 512 covers them with their escaping).
        traceState = traceState?.Length > 256 ? null : traceState;
        if ((long)(delivery.Body.Length + 2) / 3 * 4 + delivery.DeliveryId.Length + delivery.EventType.Length + (delivery.Pipeline?.Length ?? 0) + 512
            + (traceParent?.Length ?? 0) + (traceState?.Length ?? 0) > MaxInlineChars)
        {
            return null;
        }

        return new PipelineEventMessage(delivery.Source, delivery.DeliveryId, delivery.EventType)
        {
            ReceivedAt = delivery.ReceivedAt,
            Body = Convert.ToBase64String(delivery.Body.Span),
            Pipeline = delivery.Pipeline,
            TraceParent = traceParent,
            TraceState = traceState,
        };
    }

    /// <summary>The delivery an inline message carries.</summary>
    public RawDelivery ToDelivery() => IsInline
        ? new RawDelivery(Source, DeliveryId, EventType, ReceivedAt!.Value, Convert.FromBase64String(Body!)) { Pipeline = Pipeline }
        : throw new InvalidOperationException("The message is a reference; read the delivery from its store.");

    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a message of either format; throws <see cref="FormatException"/> on anything else (such a message ends in the poison queue).</summary>
    public static PipelineEventMessage Parse(string text)
    {
        try
        {
            if (System.Text.Json.JsonSerializer.Deserialize<PipelineEventMessage>(text, Json) is { Source.Length: > 0, DeliveryId.Length: > 0, EventType: not null } message
                && (message.Body is null) == (message.ReceivedAt is null))
            {
                if (message.Body is not null)
                {
                    _ = Convert.FromBase64String(message.Body);
                }

                return message;
            }
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException)
        {
        }

        throw new FormatException("The queue message is not a pipeline event message ({\"source\",\"deliveryId\",\"eventType\"[,\"receivedAt\",\"body\"]}).");
    }
}

/// <summary>A sent queue message, so the sender can take it back (a duplicate found after sending).</summary>
public sealed record EnqueuedMessage(string MessageId, string PopReceipt);

/// <summary>The queue between the webhook endpoints and the processor.</summary>
public interface IPipelineEventQueue
{
    Task<EnqueuedMessage> EnqueueAsync(PipelineEventMessage message, CancellationToken cancellationToken = default);
}

/// <summary>Publishes release events (<see cref="ReleaseEvent"/>) for other systems (Service Bus topic <c>release-events</c> in Azure).</summary>
public interface IReleaseEventPublisher
{
    /// <summary>Publishes once per <see cref="ReleaseEvent.EventId"/>: publishing the same id again is deduplicated downstream.</summary>
    Task PublishAsync(ReleaseEvent evt, CancellationToken cancellationToken = default);
}
