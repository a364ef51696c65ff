namespace ReleaseManagement.Ports;

/// <summary>
/// One change of a feature flag a release brings (docs/deployment-strategies.md, "Feature flags"): turn it on for
/// <paramref name="Percentage"/> % of its audience, or off.
/// </summary>
/// <param name="RequestId">Stable across retries (from the orchestration): a receiver can drop a repeat.</param>
/// <param name="ReleaseId">The release that brings the flag.</param>
/// <param name="Flag">The flag's name as the release request names it (<see cref="Releases.FeatureFlagShape"/>).</param>
/// <param name="Enabled">On (at <paramref name="Percentage"/>) or off.</param>
/// <param name="Percentage">The exposure, 1 to 100 when on (100: everyone); ignored when off.</param>
/// <param name="Reason">Why, in words (an exposure step, a rollback). Optional.</param>
public sealed record FeatureFlagChange(
    string RequestId,
    string ReleaseId,
    string Flag,
    bool Enabled,
    int Percentage,
    string? Reason);

/// <summary>
/// Sets feature flags (Azure App Configuration, or a flag system behind a webhook). Idempotent: setting the state a flag
/// already has changes nothing. Throws while the flag system is unavailable (no answer, 408, 429, 5xx after the adapter's
/// own retries), like every effect of the lifecycle, which waits the outage out (docs/architecture.md, "Outages"); and
/// throws when no flag system is configured, so a release that names flags never passes without them.
/// </summary>
public interface IFeatureFlags
{
    Task SetAsync(FeatureFlagChange change, CancellationToken cancellationToken = default);
}
