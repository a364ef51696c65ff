using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using ReleaseManagement.Api.Webhooks;
using ReleaseManagement.Azure.Events;

namespace ReleaseFunctions.LocalHost;

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
