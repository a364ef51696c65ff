using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.FeatureFlags;

/// <summary>Registers the feature flag adapter <c>FeatureFlags__Provider</c> names (<see cref="FeatureFlagsOptions"/>).</summary>
public static class FeatureFlagsExtensions
{
    public const string HttpClientName = "feature-flags";

    /// <summary>
    /// Binds and validates <see cref="FeatureFlagsOptions"/> at start-up (an <c>appConfiguration</c> provider without its
    /// endpoint, or a <c>webhook</c> one without its URL, stops the host) and registers <see cref="IFeatureFlags"/> with
    /// <c>TryAdd</c>: <see cref="AppConfigurationFeatureFlags"/>, <see cref="WebhookFeatureFlags"/>, or for <c>none</c>
    /// <see cref="UnconfiguredFeatureFlags"/>, which refuses every change.
    /// </summary>
    public static IServiceCollection AddFeatureFlags(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<FeatureFlagsOptions>()
            .Bind(configuration.GetSection(FeatureFlagsOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddHttpClient(HttpClientName, (sp, c) => c.Timeout = sp.GetRequiredService<IOptions<FeatureFlagsOptions>>().Value.Timeout);
        services.TryAddSingleton<IFeatureFlags>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<FeatureFlagsOptions>>();
            return options.Value.Provider switch
            {
                FeatureFlagProvider.AppConfiguration => AppConfigurationFeatureFlags.Create(
                    options.Value, sp.GetRequiredService<ILogger<AppConfigurationFeatureFlags>>()),
                FeatureFlagProvider.Webhook => new WebhookFeatureFlags(
                    sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName), options, sp.GetRequiredService<ILogger<WebhookFeatureFlags>>()),
                _ => new UnconfiguredFeatureFlags(),
            };
        });
        return services;
    }
}
