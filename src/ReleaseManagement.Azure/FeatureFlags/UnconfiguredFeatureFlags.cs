using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.FeatureFlags;

/// <summary>
/// <see cref="IFeatureFlags"/> while <c>FeatureFlags__Provider</c> is <c>none</c>: every change throws, saying which
/// setting is missing, so a release that names feature flags waits with a <c>dependency-unavailable</c> warning instead of
/// passing as if its flags were on (docs/deployment-strategies.md, "Feature flags").
/// </summary>
public sealed class UnconfiguredFeatureFlags : IFeatureFlags
{
    public Task SetAsync(FeatureFlagChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        throw new InvalidOperationException(
            $"The feature flag system is not configured: release {change.ReleaseId} names feature flag '{change.Flag}' but FeatureFlags__Provider is none " +
            "(set it to appConfiguration with FeatureFlags__Endpoint, or webhook with FeatureFlags__WebhookUrl).");
    }
}
