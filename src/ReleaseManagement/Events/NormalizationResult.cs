namespace ReleaseManagement.Events;

/// <summary>What a normalizer made of a delivery.</summary>
/// <param name="DeliveryId">The source's id of the delivery (also the deduplication key), when one could be read.</param>
/// <param name="EventType">The source's event type (e.g. <c>workflow_run</c>, <c>build.complete</c>, a CDEvents type).</param>
public sealed record NormalizationResult(NormalizationStatus Status, string? DeliveryId, string? EventType, CanonicalEvent? Event, string? Detail)
{
    public static NormalizationResult Accept(string deliveryId, string eventType, CanonicalEvent evt) =>
        new(NormalizationStatus.Accepted, deliveryId, eventType, evt, null);

    public static NormalizationResult Ignore(string? deliveryId, string? eventType, string reason) =>
        new(NormalizationStatus.Ignored, deliveryId, eventType, null, reason);

    public static NormalizationResult Malformed(string detail, string? deliveryId = null, string? eventType = null) =>
        new(NormalizationStatus.Malformed, deliveryId, eventType, null, detail);
}
