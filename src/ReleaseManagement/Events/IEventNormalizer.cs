namespace ReleaseManagement.Events;

/// <summary>Turns one source's deliveries into canonical events.</summary>
public interface IEventNormalizer
{
    string Source { get; }

    NormalizationResult Normalize(InboundDelivery delivery);
}
