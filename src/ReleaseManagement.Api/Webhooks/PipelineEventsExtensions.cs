using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReleaseManagement.Activities;
using ReleaseManagement.Azure.Events;
using ReleaseManagement.Events;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Api.Webhooks;

/// <summary>Registers the pipeline event services: options, storage adapters, normalizers, handlers, processor, publisher.</summary>
public static class PipelineEventsExtensions
{
    public static IServiceCollection AddPipelineEvents(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.Section)).ValidateOnStart();
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
}
