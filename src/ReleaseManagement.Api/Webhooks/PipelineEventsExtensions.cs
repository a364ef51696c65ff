using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReleaseManagement.Activities;
using ReleaseManagement.Azure.Events;
using ReleaseManagement.Azure.Storage;
using ReleaseManagement.Events;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Api.Webhooks;

/// <summary>Registers the pipeline event services: options, storage adapters, normalizers, handlers, processor, publisher.</summary>
public static class PipelineEventsExtensions
{
    public static IServiceCollection AddPipelineEvents(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.Section))
            .PostConfigure(o =>
            {
                // A pipeline's rotating secrets (Secrets__<name>__0, __1), which the binder skips.
                var section = configuration.GetSection(WebhookOptions.Section);
                AddRotations(o.GitHub.Secrets, section.GetSection("GitHub:Secrets"));
                AddRotations(o.AzureDevOps.Secrets, section.GetSection("AzureDevOps:Secrets"));
                AddRotations(o.CDEvents.Secrets, section.GetSection("CDEvents:Secrets"));
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>();
        services.AddOptions<ServiceBusPublisherOptions>().Bind(configuration.GetSection(ServiceBusPublisherOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ServiceBusPublisherOptions>, ServiceBusPublisherOptionsValidator>();

        services.TryAddSingleton(_ => (configuration.GetSection(PipelineEventsStorageOptions.Section).Get<PipelineEventsStorageOptions>() ?? new()).ToNames());
        services.TryAddSingleton(sp => EventStorageClients.FromConfiguration(configuration, sp.GetRequiredService<EventStorageNames>()));
        services.TryAddSingleton<IRawDeliveryStore>(sp =>
        {
            var clients = sp.GetRequiredService<EventStorageClients>();
            return new BlobRawDeliveryStore(clients.Blobs.GetBlobContainerClient(clients.Names.Container));
        });
        services.TryAddSingleton<IPipelineEventQueue>(sp => new StorageQueuePipelineEventQueue(sp.GetRequiredService<EventStorageClients>().Queue));
        services.TryAddSingleton<IPipelineEventStore>(sp =>
        {
            var clients = sp.GetRequiredService<EventStorageClients>();
            return new TablePipelineEventStore(clients.Tables.GetTableClient(clients.Names.Table));
        });

        // What the webhooks judge a pipeline's report by: the policy its release runs under (captured at its request), read
        // from the release's record; a host that registered these first (AddReleaseManagement's release store) keeps its own.
        services.TryAddSingleton<IPolicySnapshots>(sp => new BlobPolicySnapshots(
            sp.GetRequiredService<EventStorageClients>().Blobs.GetBlobContainerClient(BlobPolicySnapshots.DefaultContainer)));
        services.TryAddSingleton<Policy.ReleasePolicies>();
        services.TryAddSingleton<IReleaseStore>(sp => new ReleaseManagement.Azure.Tables.TableReleaseStore(sp.GetRequiredService<EventStorageClients>().Tables, time: sp.GetService<TimeProvider>()));

        // The environments page's cells, in a table beside the events they come from (PipelineEventsEnvironments).
        services.TryAddSingleton<IEnvironmentStateStore>(sp =>
        {
            var clients = sp.GetRequiredService<EventStorageClients>();
            return new TableEnvironmentStateStore(clients.Tables.GetTableClient(TableEnvironmentStateStore.TableFor(clients.Names.Table)));
        });
        services.TryAddSingleton<EnvironmentStateWriter>();
        services.WarmUpAtStart<IPipelineEventStore>().WarmUpAtStart<IEnvironmentStateStore>();

        services.TryAddSingleton(sp => new ReleaseCorrelator(sp.GetRequiredService<IOptions<WebhookOptions>>().Value.Correlation));
        services.TryAddSingleton(sp => new PipelineEventNormalizer(sp.GetRequiredService<ReleaseCorrelator>()));
        services.AddSingleton<WebhookHandlers>();
        services.AddSingleton<PipelineEventProcessor>();

        services.TryAddSingleton<IReleaseEventPublisher>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ServiceBusPublisherOptions>>().Value;
            if (!options.IsConfigured)
            {
                return new LoggingReleaseEventPublisher(sp.GetRequiredService<ILogger<LoggingReleaseEventPublisher>>());
            }

            var client = ServiceBusReleaseEventPublisher.CreateClient(options);
            return new ServiceBusReleaseEventPublisher(client.CreateSender(options.Topic), options.EventSource);
        });
        services.AddTransient<PublishReleaseEvent>();
        return services;
    }

    /// <summary>
    /// Adds the rotation secrets <c>&lt;name&gt;:&lt;n&gt;</c> of <paramref name="section"/> (a map of strings binds values
    /// only), under those names: the pipeline is the part before the colon (<see cref="WebhookSecrets.PipelineOf"/>).
    /// </summary>
    private static void AddRotations(Dictionary<string, string> secrets, IConfigurationSection section)
    {
        foreach (var pipeline in section.GetChildren())
        {
            foreach (var rotation in pipeline.GetChildren().Where(c => c.Value is not null))
            {
                secrets[$"{pipeline.Key}:{rotation.Key}"] = rotation.Value!;
            }
        }
    }
}
