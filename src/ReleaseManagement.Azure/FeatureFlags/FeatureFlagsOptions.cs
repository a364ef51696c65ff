using System.ComponentModel.DataAnnotations;

namespace ReleaseManagement.Azure.FeatureFlags;

/// <summary>Which flag system the feature flags of a release are set in (<see cref="FeatureFlagsOptions.Provider"/>).</summary>
public enum FeatureFlagProvider
{
    /// <summary>None configured: setting a flag fails, so a release that names flags never passes without them.</summary>
    None,

    /// <summary>Azure App Configuration feature flags, over its data-plane REST API with the app's managed identity.</summary>
    AppConfiguration,

    /// <summary>Any other flag system: the change is posted as signed JSON to <see cref="FeatureFlagsOptions.WebhookUrl"/>.</summary>
    Webhook,
}

/// <summary>
/// Settings under <c>FeatureFlags</c> (app settings <c>FeatureFlags__*</c>): where the feature flags a release names are
/// turned on step by step and off on rollback (docs/deployment-strategies.md, "Feature flags").
/// </summary>
public sealed class FeatureFlagsOptions : IValidatableObject
{
    public const string Section = "FeatureFlags";

    /// <summary><c>none</c> (default), <c>appConfiguration</c> or <c>webhook</c>.</summary>
    public FeatureFlagProvider Provider { get; set; } = FeatureFlagProvider.None;

    /// <summary>The App Configuration store's endpoint, e.g. <c>https://appcs-relfn-prod.azconfig.io</c> (provider <c>appConfiguration</c>).</summary>
    public string Endpoint { get; set; } = string.Empty;

    /// <summary>The label of the flags' key-values; empty: the null label (provider <c>appConfiguration</c>).</summary>
    public string Label { get; set; } = string.Empty;

    /// <summary>The client id of the user-assigned managed identity to call App Configuration with; empty uses the default credential chain.</summary>
    public string ClientId { get; set; } = string.Empty;

    /// <summary>Where the changes are posted (provider <c>webhook</c>).</summary>
    public string WebhookUrl { get; set; } = string.Empty;

    /// <summary>HMAC-SHA256 key of the webhook: the body's signature is sent as <c>X-Signature: sha256=HEX</c>. Empty: unsigned.</summary>
    public string WebhookSecret { get; set; } = string.Empty;

    /// <summary>How long one call to the flag system may take (then it fails and is retried, docs/architecture.md, "Outages").</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "FeatureFlags:Timeout must be between 1 second and 10 minutes.")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider == FeatureFlagProvider.AppConfiguration && !IsHttpUrl(Endpoint))
        {
            yield return new ValidationResult(
                "FeatureFlags:Endpoint must be the App Configuration store's https URL when FeatureFlags:Provider is appConfiguration.", [nameof(Endpoint)]);
        }

        if (Provider == FeatureFlagProvider.Webhook && !IsHttpUrl(WebhookUrl))
        {
            yield return new ValidationResult(
                "FeatureFlags:WebhookUrl must be an http or https URL when FeatureFlags:Provider is webhook.", [nameof(WebhookUrl)]);
        }
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
}
