using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using ReleaseManagement.Api;
using ReleaseManagement.Api.Webhooks;
using ReleaseManagement.Azure.Events;
using ReleaseManagement.Events;

namespace ReleaseFunctions.Functions;

/// <summary>Names of the pipeline event functions.</summary>
public static class EventFunctionNames
{
    public const string GitHubWebhook = "GitHubWebhook";
    public const string AzureDevOpsWebhook = "AzureDevOpsWebhook";
    public const string CDEventsWebhook = "CDEventsWebhook";
    public const string ProcessPipelineEvent = "ProcessPipelineEvent";
}

/// <summary>
/// Webhook triggers (anonymous at the function level: each delivery is verified by its own signature scheme), the queue
/// trigger that processes accepted deliveries (the host retries a failure and, after host.json maxDequeueCount, moves the
/// message to pipeline-events-poison). The activity that publishes release events is with the others (<see cref="Activities"/>).
/// </summary>
public sealed class PipelineEvents(WebhookHandlers webhooks, PipelineEventProcessor processor)
{
    [Function(EventFunctionNames.GitHubWebhook)]
    public Task<IResult> GitHub(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.GitHubWebhook)] HttpRequest request, CancellationToken cancellationToken) =>
        webhooks.GitHubAsync(request, cancellationToken);

    [Function(EventFunctionNames.AzureDevOpsWebhook)]
    public Task<IResult> AzureDevOps(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.AzureDevOpsWebhook)] HttpRequest request, CancellationToken cancellationToken) =>
        webhooks.AzureDevOpsAsync(request, cancellationToken);

    [Function(EventFunctionNames.CDEventsWebhook)]
    public Task<IResult> CDEvents(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.CDEventsWebhook)] HttpRequest request, CancellationToken cancellationToken) =>
        webhooks.CDEventsAsync(request, cancellationToken);

    [Function(EventFunctionNames.ProcessPipelineEvent)]
    public Task Process(
        [QueueTrigger(EventStorageNames.DefaultQueue)] string message,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken) =>
        processor.ProcessAsync(message, durable, cancellationToken);
}
