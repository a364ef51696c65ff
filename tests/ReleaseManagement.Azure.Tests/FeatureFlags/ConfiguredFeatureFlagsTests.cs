using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ReleaseManagement.Azure.FeatureFlags;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Tests.FeatureFlags;

/// <summary>The <c>FeatureFlags__*</c> settings: which adapter each provider gets, and what start-up refuses.</summary>
public sealed class ConfiguredFeatureFlagsTests
{
    private static ServiceProvider Services(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>("FeatureFlags:" + s.Key, s.Value)))
            .Build();
        return new ServiceCollection().AddLogging().AddFeatureFlags(configuration).BuildServiceProvider();
    }

    [Fact]
    public async Task SetAsync_NoProvider_FailsNamingTheSetting()
    {
        await using var services = Services();

        var flags = services.GetRequiredService<IFeatureFlags>();
        var e = await Assert.ThrowsAsync<InvalidOperationException>(
            () => flags.SetAsync(new FeatureFlagChange("r", "2026.12.1", "new-checkout", true, 5, null), TestContext.Current.CancellationToken));

        Assert.IsType<UnconfiguredFeatureFlags>(flags);
        Assert.Contains("FeatureFlags__Provider is none", e.Message, StringComparison.Ordinal);
        Assert.Contains("new-checkout", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("appConfiguration", "Endpoint", "https://appcs-relfn-dev.azconfig.io", typeof(AppConfigurationFeatureFlags))]
    [InlineData("webhook", "WebhookUrl", "https://flags.example.com/hook", typeof(WebhookFeatureFlags))]
    public async Task Provider_WithItsAddress_GetsItsAdapter(string provider, string setting, string value, Type adapter)
    {
        await using var services = Services(("Provider", provider), (setting, value));

        Assert.IsType(adapter, services.GetRequiredService<IFeatureFlags>());
    }

    [Theory]
    [InlineData("appConfiguration", "FeatureFlags:Endpoint")]
    [InlineData("webhook", "FeatureFlags:WebhookUrl")]
    public async Task Provider_WithoutItsAddress_FailsValidation(string provider, string named)
    {
        await using var services = Services(("Provider", provider));

        var e = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<FeatureFlagsOptions>>().Value);

        Assert.Contains(e.Failures, f => f.Contains(named, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Timeout_OutOfRange_FailsValidation()
    {
        await using var services = Services(("Timeout", "00:00:00"));

        Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<FeatureFlagsOptions>>().Value);
    }
}
