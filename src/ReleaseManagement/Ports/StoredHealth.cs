namespace ReleaseManagement.Ports;

/// <summary>A system's reading stored by the post-release monitor, with the thresholds it crossed and its verdict.</summary>
public sealed record StoredHealth(string ReleaseId, DateTimeOffset At, SystemHealth Health, bool Partial, string? Error, IReadOnlyList<string> Breaches, HealthVerdict Verdict);

/// <summary>What a stored reading says about its system (<c>Policy.HealthVerdicts</c>).</summary>
public enum HealthVerdict
{
    /// <summary>Every value the thresholds judge is there, and none crossed.</summary>
    Healthy,

    /// <summary>A threshold was crossed (<see cref="StoredHealth.Breaches"/> names it).</summary>
    Breached,

    /// <summary>
    /// The reading lacks what the thresholds judge (failed or partial query, the system not reported, no requests in the
    /// window): never healthy (<c>Policy.HealthData</c>).
    /// </summary>
    MissingData,
}
