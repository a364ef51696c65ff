namespace ReleaseManagement.Events;

/// <summary>What a signature or credential check found.</summary>
public enum SignatureCheck
{
    Valid,

    /// <summary>No secret is configured for the source: every delivery is refused.</summary>
    NotConfigured,

    /// <summary>The signature, timestamp or credentials are absent.</summary>
    Missing,

    /// <summary>Present but matching no configured secret.</summary>
    Invalid,

    /// <summary>Correctly signed but outside the accepted time window (a replay or a skewed clock).</summary>
    Stale,
}
