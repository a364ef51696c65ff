namespace ReleaseManagement.Policy;

/// <summary>
/// How long the lifecycle waits out an outage of a dependency (mail server, chat, pipeline, health source, event sink,
/// storage) before it asks a person (<c>resilience</c> in the policy; optional). An effect whose activity fails all its
/// short retries is tried again on a durable timer, <see cref="Backoff"/> apart, while the release carries a
/// <c>dependency-unavailable</c> warning; past <see cref="MaxOutage"/> the release manager is told and may retry it now or,
/// where the procedure allows, skip it.
/// </summary>
public sealed record ResiliencePolicy
{
    public static readonly TimeSpan DefaultMaxOutage = TimeSpan.FromHours(24);

    /// <summary>How long an outage is waited out before the release manager is asked. Default 24 hours.</summary>
    public TimeSpan MaxOutage { get; init; } = DefaultMaxOutage;

    /// <summary>How far apart the tries are.</summary>
    public RetryBackoff Backoff { get; init; } = new();
}

/// <summary>The wait between the tries of an effect during an outage: <see cref="Initial"/>, times <see cref="Coefficient"/> each try, at most <see cref="Max"/>.</summary>
public sealed record RetryBackoff
{
    /// <summary>The wait after the first failure. Default one minute.</summary>
    public TimeSpan Initial { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest wait between two tries. Default 30 minutes.</summary>
    public TimeSpan Max { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>What each wait is multiplied by for the next (at least 1). Default 2.</summary>
    public double Coefficient { get; init; } = 2;

    /// <summary>The wait after <paramref name="current"/>.</summary>
    public TimeSpan Next(TimeSpan current) =>
        TimeSpan.FromTicks((long)Math.Min(Max.Ticks, current.Ticks * Math.Max(1, Coefficient)));
}
