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
