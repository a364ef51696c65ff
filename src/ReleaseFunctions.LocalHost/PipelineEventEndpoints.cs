using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using ReleaseManagement.Api.Webhooks;
using ReleaseManagement.Azure.Events;

namespace ReleaseFunctions.LocalHost;

/// <summary>The webhook routes of the Functions app, calling the same handlers.</summary>
public static class PipelineEventEndpoints
{
    public static IEndpointRouteBuilder MapPipelineEventEndpoints(this IEndpointRouteBuilder app)
    {
        var hooks = app.MapGroup("/api/webhooks");
        hooks.MapPost("/github", (HttpRequest request, WebhookHandlers handlers, CancellationToken ct) => handlers.GitHubAsync(request, ct));
        hooks.MapPost("/azure-devops", (HttpRequest request, WebhookHandlers handlers, CancellationToken ct) => handlers.AzureDevOpsAsync(request, ct));
        hooks.MapPost("/cdevents", (HttpRequest request, WebhookHandlers handlers, CancellationToken ct) => handlers.CDEventsAsync(request, ct));
        return app;
    }
}

/// <summary>
/// The local host's stand-in for the Functions queue trigger: polls the same <c>pipeline-events</c> queue and calls the
/// same processor, with the same retry and poison-queue rules (settings <c>LocalHost__Queue__*</c>, defaults as host.json).
/// </summary>
public sealed class PipelineEventQueueListener(
    EventStorageClients storage,
    PipelineEventProcessor processor,
    DurableTaskClient durable,
    IOptions<QueuePumpOptions> options,
    ILogger<PipelineEventQueueListener> log) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pump = new QueuePump(storage.Queue, storage.PoisonQueue, options.Value, log);
        return pump.RunAsync((message, ct) => processor.ProcessAsync(message, durable, ct), stoppingToken);
    }
}
