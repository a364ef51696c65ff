namespace ReleaseManagement.Events;

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
