using ReleaseManagement.Configuration;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;

namespace ReleaseManagement.Azure.Events;

/// <summary>Settings under <c>LocalHost:Queue</c> for the local host's queue loop (the Functions host uses host.json instead; HostParityTests holds the defaults to host.json).</summary>
[LocalOnlySetting("The local host's queue loop; in Azure the Functions queue trigger and host.json do this.")]
public sealed class QueuePumpOptions
{
    public const string Section = "LocalHost:Queue";

    /// <summary>Attempts before a message goes to the poison queue: host.json <c>queues.maxDequeueCount</c> (5).</summary>
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>How long a failed message stays invisible before its retry: host.json <c>queues.visibilityTimeout</c> (30 s).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a message is held while it is processed.</summary>
    public TimeSpan LeaseTime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest wait between polls of an empty queue.</summary>
    public TimeSpan MaxPollingInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Messages received per poll: host.json <c>queues.batchSize</c> (32, the most one receive returns).</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>
    /// The next batch is received once no more than this many messages are still being handled: host.json
    /// <c>queues.newBatchThreshold</c> (16). At most <see cref="BatchSize"/> + this many are handled at once.
    /// </summary>
    public int NewBatchThreshold { get; set; } = 16;
}

/// <summary>
/// What the Functions queue trigger does, for hosts without it: receive, call the handler, delete on success; on failure
/// make the message visible again after <see cref="QueuePumpOptions.RetryDelay"/>, and after the last allowed attempt move
/// it to the poison queue. A message is never deleted unless handled or copied to the poison queue first.
/// </summary>
public sealed partial class QueuePump(QueueClient queue, QueueClient poison, QueuePumpOptions options, ILogger logger)
{
    private bool _created;

    /// <summary>Handles one batch; returns how many messages were received.</summary>
    public async Task<int> RunOnceAsync(Func<string, CancellationToken, Task> handler, CancellationToken cancellationToken)
    {
        var messages = await ReceiveAsync(cancellationToken);
        await Task.WhenAll(messages.Select(m => HandleAsync(m, handler, cancellationToken)));
        return messages.Length;
    }

    /// <summary>
    /// Polls until cancelled, backing off while the queue is empty or unreachable. Like the Functions queue trigger, it
    /// does not wait for a whole batch: the next one is received as soon as no more than
    /// <see cref="QueuePumpOptions.NewBatchThreshold"/> messages are still being handled, so at most
    /// BatchSize + NewBatchThreshold run at once. On cancellation it stops receiving and lets those in hand finish.
    /// </summary>
    public async Task RunAsync(Func<string, CancellationToken, Task> handler, CancellationToken cancellationToken)
    {
        var running = new List<Task>();
        var idle = TimeSpan.FromMilliseconds(100);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                running.RemoveAll(t => t.IsCompleted);
                while (running.Count > options.NewBatchThreshold)
                {
                    await Task.WhenAny(running);
                    running.RemoveAll(t => t.IsCompleted);
                }

                QueueMessage[] messages;
                try
                {
                    messages = await ReceiveAsync(cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    LogPollFailed(logger, e, queue.Name);
                    messages = [];
                }

                if (messages.Length > 0)
                {
                    running.AddRange(messages.Select(m => HandleLoggedAsync(m, handler, cancellationToken)));
                    idle = TimeSpan.FromMilliseconds(100);
                    continue;
                }

                try
                {
                    await Task.Delay(idle, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, options.MaxPollingInterval.Ticks));
            }
        }
        finally
        {
            await Task.WhenAll(running);
        }
    }

    private async Task<QueueMessage[]> ReceiveAsync(CancellationToken cancellationToken)
    {
        if (!_created)
        {
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _created = true;
        }

        return await queue.ReceiveMessagesAsync(options.BatchSize, options.LeaseTime, cancellationToken);
    }

    /// <summary>One message of the loop: a failure to delete, release or poison it is logged (the message becomes visible
    /// again when its lease ends), never thrown into the loop.</summary>
    private async Task HandleLoggedAsync(QueueMessage message, Func<string, CancellationToken, Task> handler, CancellationToken cancellationToken)
    {
        try
        {
            await HandleAsync(message, handler, cancellationToken);
        }
        catch (Exception e)
        {
            LogSettleFailed(logger, e, message.MessageId);
        }
    }

    private async Task HandleAsync(QueueMessage message, Func<string, CancellationToken, Task> handler, CancellationToken cancellationToken)
    {
        try
        {
            await handler(message.MessageText, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            if (message.DequeueCount >= options.MaxDequeueCount)
            {
                LogPoisoned(logger, e, message.MessageId, message.DequeueCount, poison.Name);
                await poison.SendMessageAsync(message.MessageText, cancellationToken);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
            }
            else
            {
                LogRetry(logger, e, message.MessageId, message.DequeueCount, options.RetryDelay);
                await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: options.RetryDelay, cancellationToken: cancellationToken);
            }

            return;
        }

        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling queue {Queue} failed")]
    private static partial void LogPollFailed(ILogger logger, Exception exception, string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} was handled or failed but could not be settled; it is retried when its lease ends")]
    private static partial void LogSettleFailed(ILogger logger, Exception exception, string messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} failed on attempt {DequeueCount}: moved to {PoisonQueue}")]
    private static partial void LogPoisoned(ILogger logger, Exception exception, string messageId, long dequeueCount, string poisonQueue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} failed on attempt {DequeueCount}; retrying after {RetryDelay}")]
    private static partial void LogRetry(ILogger logger, Exception exception, string messageId, long dequeueCount, TimeSpan retryDelay);
}

/// <summary>Moves messages from the poison queue back to the queue (what <c>scripts/replay-poison.sh</c> runs).</summary>
public static class PoisonReplay
{
    /// <summary>Moves up to <paramref name="max"/> messages; each is sent to the queue before it is deleted from the poison queue.</summary>
    public static async Task<int> ReplayAsync(QueueClient poison, QueueClient queue, int max = int.MaxValue, CancellationToken cancellationToken = default)
    {
        if (!(await poison.ExistsAsync(cancellationToken)).Value)
        {
            return 0;
        }

        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var moved = 0;
        while (moved < max)
        {
            QueueMessage[] batch = await poison.ReceiveMessagesAsync(Math.Min(32, max - moved), TimeSpan.FromMinutes(1), cancellationToken);
            if (batch.Length == 0)
            {
                break;
            }

            foreach (var message in batch)
            {
                await queue.SendMessageAsync(message.MessageText, cancellationToken);
                await poison.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                moved++;
            }
        }

        return moved;
    }
}
