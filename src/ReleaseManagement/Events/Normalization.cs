namespace ReleaseManagement.Events;

/// <summary>The outcome of reading a delivery.</summary>
public enum NormalizationStatus
{
    /// <summary>A canonical event we use.</summary>
    Accepted,

    /// <summary>Well-formed, but an event type or action we don't use (or a ping): answered 2xx and dropped.</summary>
    Ignored,

    /// <summary>Not what the source sends: answered 400.</summary>
    Malformed,
}

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

/// <summary>A delivery as received: the body plus the headers a normalizer needs (GitHub puts type and id there).</summary>
public sealed record InboundDelivery(
    string Source,
    ReadOnlyMemory<byte> Body,
    DateTimeOffset ReceivedAt,
    string? EventTypeHeader = null,
    string? DeliveryIdHeader = null);

/// <summary>Turns one source's deliveries into canonical events.</summary>
public interface IEventNormalizer
{
    string Source { get; }

    NormalizationResult Normalize(InboundDelivery delivery);
}

/// <summary>Dispatches to the normalizer of the delivery's source.</summary>
public sealed class PipelineEventNormalizer
{
    public const int MaxDeliveryIdLength = 200;

    private readonly Dictionary<string, IEventNormalizer> _bySource;

    public PipelineEventNormalizer(ReleaseCorrelator correlator)
        : this([new GitHubNormalizer(correlator), new AzureDevOpsNormalizer(correlator), new CDEventsNormalizer(correlator)])
    {
    }

    public PipelineEventNormalizer(IEnumerable<IEventNormalizer> normalizers) =>
        _bySource = normalizers.ToDictionary(n => n.Source, StringComparer.Ordinal);

    public NormalizationResult Normalize(InboundDelivery delivery)
    {
        if (!_bySource.TryGetValue(delivery.Source, out var normalizer))
        {
            return NormalizationResult.Malformed($"Unknown source '{delivery.Source}'.");
        }

        var result = normalizer.Normalize(delivery);
        if (result.Status != NormalizationStatus.Malformed && !IsUsableId(result.DeliveryId))
        {
            return NormalizationResult.Malformed(
                $"The delivery id is missing, longer than {MaxDeliveryIdLength} characters, or has control characters.", null, result.EventType);
        }

        return result;
    }

    private static bool IsUsableId(string? id) =>
        !string.IsNullOrWhiteSpace(id) && id.Length <= MaxDeliveryIdLength && !id.Any(char.IsControl);
}
