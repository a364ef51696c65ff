using Azure.Data.Tables;

namespace ReleaseManagement.Azure.Events;

/// <summary>
/// Group commit for single-entity writes of one table: writes to the same partition that wait while an earlier one is in
/// flight go together as one entity-group transaction (up to 100), so a busy processor writes a partition's rows in a
/// fraction of the calls. A write that finds nothing in flight goes at once, alone (no added latency when idle).
/// <para>
/// Each caller still sees its own write's outcome: a transaction is atomic (all of it or none is stored), and when it fails
/// (one row exists already, a row twice in it, storage unavailable...) every write in it is retried alone, so a conditional
/// insert that finds its row answers 409 to its own caller only, exactly as without grouping. A caller's task completes only
/// once its row is stored: a process stopped before that has stored either the whole transaction or none of it.
/// </para>
/// </summary>
/// <param name="table">The table written.</param>
/// <param name="maxBatch">The most writes in one transaction (at most <see cref="MaxBatch"/>); 1 writes each alone, at once.</param>
public sealed class PartitionGroupCommit(TableClient table, int maxBatch = PartitionGroupCommit.MaxBatch)
{
    /// <summary>The most operations one entity-group transaction takes.</summary>
    public const int MaxBatch = 100;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<Pending>> _waiting = new(StringComparer.Ordinal);

    /// <summary>Adds the entity (409 when its row exists).</summary>
    public Task AddAsync(ITableEntity entity, CancellationToken cancellationToken = default) =>
        SubmitAsync(new TableTransactionAction(TableTransactionActionType.Add, entity), cancellationToken);

    /// <summary>Inserts or replaces the entity.</summary>
    public Task UpsertReplaceAsync(ITableEntity entity, CancellationToken cancellationToken = default) =>
        SubmitAsync(new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity), cancellationToken);

    private readonly int _maxBatch = Math.Clamp(maxBatch, 1, MaxBatch);

    private Task SubmitAsync(TableTransactionAction action, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new Pending(action, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (_maxBatch == 1)
        {
            _ = WriteAloneAsync(pending);
            return pending.Done.Task.WaitAsync(cancellationToken);
        }

        var partition = action.Entity.PartitionKey;
        bool lead;
        lock (_gate)
        {
            lead = !_waiting.TryGetValue(partition, out var queue);
            if (lead)
            {
                _waiting[partition] = [];
            }
            else
            {
                queue!.Add(pending);
            }
        }

        if (lead)
        {
            _ = LeadAsync(partition, pending);
        }

        return pending.Done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Writes the first one alone, then whatever queued meanwhile in transactions, until nothing waits.</summary>
    private async Task LeadAsync(string partition, Pending first)
    {
        await CommitAsync([first]);
        while (true)
        {
            List<Pending> batch;
            lock (_gate)
            {
                var queue = _waiting[partition];
                if (queue.Count == 0)
                {
                    _waiting.Remove(partition);
                    return;
                }

                batch = queue.Take(_maxBatch).ToList();
                queue.RemoveRange(0, batch.Count);
            }

            await CommitAsync(batch);
        }
    }

    private async Task CommitAsync(List<Pending> batch)
    {
        if (batch.Count > 1 && batch.Select(p => p.Action.Entity.RowKey).Distinct(StringComparer.Ordinal).Count() == batch.Count)
        {
            try
            {
                await table.SubmitTransactionAsync(batch.Select(p => p.Action), CancellationToken.None);
                foreach (var p in batch)
                {
                    p.Done.TrySetResult();
                }

                return;
            }
            catch (Exception)
            {
                // A refused transaction stored nothing; one that timed out may have been stored whole. Either way each write
                // goes again on its own, so each caller gets its own answer (409 for a row that is there, as on a retried
                // single insert) and no caller is left waiting.
            }
        }

        await Task.WhenAll(batch.Select(WriteAloneAsync));
    }

    private async Task WriteAloneAsync(Pending pending)
    {
        try
        {
            var entity = pending.Action.Entity;
            await (pending.Action.ActionType switch
            {
                TableTransactionActionType.Add => table.AddEntityAsync(entity),
                TableTransactionActionType.UpsertReplace => table.UpsertEntityAsync(entity, TableUpdateMode.Replace),
                _ => throw new NotSupportedException(pending.Action.ActionType.ToString()),
            });
            pending.Done.TrySetResult();
        }
        catch (Exception e)
        {
            pending.Done.TrySetException(e);
        }
    }

    private sealed record Pending(TableTransactionAction Action, TaskCompletionSource Done);
}
