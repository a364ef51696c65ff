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
}
