using Azure;
using Azure.Storage.Queues;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Events;

/// <summary>Queue <c>pipeline-events</c>: one JSON message per accepted delivery, Base64-encoded as the Functions trigger expects.</summary>
public sealed class StorageQueuePipelineEventQueue(QueueClient queue) : IPipelineEventQueue
{
    private volatile bool _created;

    public async Task<EnqueuedMessage> EnqueueAsync(PipelineEventMessage message, CancellationToken cancellationToken = default)
    {
        if (!_created)
        {
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _created = true;
        }

        var receipt = await queue.SendMessageAsync(message.ToJson(), cancellationToken);
        return new EnqueuedMessage(receipt.Value.MessageId, receipt.Value.PopReceipt);
    }

    public async Task WithdrawAsync(EnqueuedMessage message, CancellationToken cancellationToken = default)
    {
        try
        {
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 400 or 404)
        {
            // Received by the processor already (a new pop receipt) or gone: the processor's guard makes it a duplicate.
        }
    }
}
