namespace ReleaseManagement.Events;

/// <summary>A delivery as received: the body plus the headers a normalizer needs (GitHub puts type and id there).</summary>
public sealed record InboundDelivery(
    string Source,
    ReadOnlyMemory<byte> Body,
    DateTimeOffset ReceivedAt,
    string? EventTypeHeader = null,
    string? DeliveryIdHeader = null);
