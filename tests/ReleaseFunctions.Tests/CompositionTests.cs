using ReleaseFunctions.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ReleaseFunctions.Tests.Support;
using ReleaseManagement.Api;

namespace ReleaseFunctions.Tests;

/// <summary>The composition both hosts share: one clock, and a host's own adapters kept (TryAdd).</summary>
public sealed class CompositionTests
{
    private static IConfiguration Configuration() => new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" })
        .AddInMemoryCollection(AuditTestKeys.Settings)
        .Build();

    [Fact]
    public async Task AddLocalHost_Composition_RegistersTheClockOnce()
    {
        await using var local = LocalHostComposition.Build();

        Assert.Single(local.Services, d => d.ServiceType == typeof(TimeProvider));
    }

    [Fact]
    public void AddReleaseManagement_ClockRegisteredFirst_IsTheOneResolved()
    {
        var clock = new StoppedClock();
        var services = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(clock).AddReleaseManagement(Configuration());

        using var provider = services.BuildServiceProvider();

        Assert.Same(clock, provider.GetRequiredService<TimeProvider>());
        Assert.Single(services, d => d.ServiceType == typeof(TimeProvider));
    }

    [Fact]
    public async Task BothHosts_Composition_PostNoticesThroughTheWebhookChannels()
    {
        await using var local = LocalHostComposition.Build();
        var functions = new ServiceCollection().AddLogging().AddReleaseManagement(Configuration());
        using var provider = functions.BuildServiceProvider();

        Assert.IsType<ReleaseManagement.Azure.Notices.WebhookNoticeChannels>(local.App.Services.GetRequiredService<ReleaseManagement.Ports.INoticeChannels>());
        Assert.IsType<ReleaseManagement.Azure.Notices.WebhookNoticeChannels>(provider.GetRequiredService<ReleaseManagement.Ports.INoticeChannels>());
        Assert.Contains(local.Services, d => d.ImplementationType == typeof(ReleaseManagement.Api.Communications.NoticeChannelCheck));
    }

    private sealed class StoppedClock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(2027, 1, 5, 10, 0, 0, TimeSpan.Zero);
    }
}
