using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReleaseManagement.Api;
using ReleaseManagement.Api.Webhooks;
using ReleaseManagement.Azure.Events;

namespace ReleaseManagement.Tools.ReplayPoison;

/// <summary>What the replay's entry point runs on: the container and the storage clients it resolves from it.</summary>
public sealed record ReplayPoisonApp(ServiceProvider Services, EventStorageClients Storage) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Services.DisposeAsync();
}

/// <summary>
/// The replay tool's composition root, called by its <c>Program.cs</c> and by the tests that build every program's
/// composition: the hosts' own (<see cref="Extensions.AddReleaseManagement"/>), so the queue names and storage clients are
/// the ones the hosts use (<c>PipelineEvents__Queue</c>; its poison queue is the queue name plus "-poison").
/// </summary>
public static class ReplayPoisonComposition
{
    /// <summary>The settings as the tool reads them: the environment (<c>Section__Key</c>), then <c>--queue</c> over it.</summary>
    public static IConfiguration Configuration(string? queue = null) => Over(new ConfigurationBuilder().AddEnvironmentVariables().Build(), queue);

    /// <summary><paramref name="configuration"/> with the queue named by <c>--queue</c> (when given) over its <c>PipelineEvents:Queue</c>.</summary>
    public static IConfiguration Over(IConfiguration configuration, string? queue) =>
        queue is null
            ? configuration
            : new ConfigurationBuilder()
                .AddConfiguration(configuration)
                .AddInMemoryCollection(new Dictionary<string, string?> { [$"{PipelineEventsStorageOptions.Section}:{nameof(PipelineEventsStorageOptions.Queue)}"] = queue })
                .Build();

    /// <summary>
    /// Builds the container and resolves every service the entry point uses; a missing registration or setting fails here
    /// (<see cref="InvalidOperationException"/>, <see cref="Policy.ReleasePolicyException"/>,
    /// <see cref="Microsoft.Extensions.Options.OptionsValidationException"/>).
    /// </summary>
    public static ReplayPoisonApp Build(IConfiguration configuration)
    {
        var services = new ServiceCollection()
            .AddLogging(l => l.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning))
            .AddReleaseManagement(configuration)
            .BuildServiceProvider();
        try
        {
            return new ReplayPoisonApp(services, services.GetRequiredService<EventStorageClients>());
        }
        catch
        {
            services.Dispose();
            throw;
        }
    }
}
