using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ReleaseManagement.Azure.FeatureFlags;
using ReleaseManagement.Azure.Tests.Notices;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Tests.FeatureFlags;

/// <summary>
/// <see cref="WebhookFeatureFlags"/> against a local HTTP receiver, registered as the hosts register it
/// (<see cref="FeatureFlagsExtensions.AddFeatureFlags"/> with provider <c>webhook</c>).
/// </summary>
public sealed class WebhookFeatureFlagsTests : IAsyncLifetime
{
    private const string Secret = "flags-test-secret";
    private WebhookReceiver _receiver = null!;

    public async ValueTask InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async ValueTask DisposeAsync() => await _receiver.DisposeAsync();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private ServiceProvider Services(string? secret = Secret, string timeout = "00:00:30")
    {
        var settings = new Dictionary<string, string?>
        {
            ["FeatureFlags:Provider"] = "webhook",
            ["FeatureFlags:WebhookUrl"] = _receiver.Url("flags"),
            ["FeatureFlags:WebhookSecret"] = secret,
            ["FeatureFlags:Timeout"] = timeout,
        };
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFeatureFlags(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return services.BuildServiceProvider();
    }

    private static FeatureFlagChange Change => new("req-1", "2026.12.1", "new-checkout", Enabled: true, 25, "exposure step 25 %");

    [Fact]
    public async Task SetAsync_Configured_PostsTheChangeSignedWithItsRequestId()
    {
        await using var services = Services();

        await services.GetRequiredService<IFeatureFlags>().SetAsync(Change, Cancel);

        var post = Assert.Single(_receiver.To("flags"));
        Assert.StartsWith("application/json", post.ContentType, StringComparison.Ordinal);
        Assert.Equal("req-1", post.Headers[WebhookFeatureFlags.RequestIdHeader]);
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), post.Body));
        Assert.Equal(expected, post.Headers[WebhookFeatureFlags.SignatureHeader]);
        var json = JsonNode.Parse(post.Body)!;
        Assert.Equal("2026.12.1", (string?)json["releaseId"]);
        Assert.Equal("new-checkout", (string?)json["flag"]);
        Assert.True((bool)json["enabled"]!);
        Assert.Equal(25, (int)json["percentage"]!);
        Assert.Equal("exposure step 25 %", (string?)json["reason"]);
    }

    [Fact]
    public async Task SetAsync_NoSecret_PostsUnsigned()
    {
        await using var services = Services(secret: "");

        await services.GetRequiredService<IFeatureFlags>().SetAsync(Change, Cancel);

        Assert.False(Assert.Single(_receiver.To("flags")).Headers.ContainsKey(WebhookFeatureFlags.SignatureHeader));
    }

    [Fact]
    public async Task SetAsync_ReceiverAnswers503_Throws()
    {
        await using var services = Services();
        _receiver.Script("flags", 503);

        var e = await Assert.ThrowsAsync<HttpRequestException>(() => services.GetRequiredService<IFeatureFlags>().SetAsync(Change, Cancel));

        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, e.StatusCode);
    }

    [Fact]
    public async Task SetAsync_ReceiverUnreachable_Throws()
    {
        var url = _receiver.Url("flags");
        await _receiver.DisposeAsync();
        _receiver = await WebhookReceiver.StartAsync();
        var settings = new Dictionary<string, string?> { ["FeatureFlags:Provider"] = "webhook", ["FeatureFlags:WebhookUrl"] = url };
        var services = new ServiceCollection().AddLogging().AddFeatureFlags(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        await using var provider = services.BuildServiceProvider();

        await Assert.ThrowsAsync<HttpRequestException>(() => provider.GetRequiredService<IFeatureFlags>().SetAsync(Change, Cancel));
    }
}
