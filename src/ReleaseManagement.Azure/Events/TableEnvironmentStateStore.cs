using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using ReleaseManagement.Azure.Tables;
using ReleaseManagement.Events;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Events;

/// <summary>
/// The environments page's cells in a table of their own beside the events table (<see cref="TableFor"/>:
/// <c>PipelineEventsEnvironments</c>), partition <c>!environments</c>, one row per cell, row key
/// <c>{SYSTEM}|{environment}</c> (the system upper-cased, as the page groups systems case-insensitively, and both
/// escaped), plus the backfill mark row <see cref="BackfillMark"/>. A write reads the row, merges
/// (<see cref="EnvironmentCellState.Merge"/>, newest wins by occurrence time) and replaces it under the ETag it read, or
/// inserts it when absent; on 412 or 409 (another writer was first) it reads again. A merge that changes nothing writes
/// nothing, so a late older event or a retry costs one point read.
/// </summary>
public sealed class TableEnvironmentStateStore(TableClient table) : IEnvironmentStateStore, IStorageWarmUp
{
    public const string Partition = "!environments";

    /// <summary>
    /// The state's table for the events table <paramref name="eventsTable"/> (<c>PipelineEvents</c> →
    /// <c>PipelineEventsEnvironments</c>): its own table, not a partition of the events', so that its one query is not
    /// answered by a scan of every event where the table service scans (Azurite does, for every query).
    /// </summary>
    public static string TableFor(string eventsTable) => eventsTable + "Environments";

    /// <summary>The mark that the events stored before the state was kept (the last 180 days) were merged into it.</summary>
    public const string BackfillMark = "~backfill-v1";

    private const int MaxAttempts = 20;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly FirstUse _created = new();

    public static string RowKey(string system, string environment)
    {
        var (s, e) = EnvironmentCellState.KeyOf(system, environment);
        return Uri.EscapeDataString(s) + "|" + Uri.EscapeDataString(e);
    }

    public async Task MergeAsync(IReadOnlyCollection<EnvironmentCellState> states, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(states);
        await EnsureTableAsync(cancellationToken);
        await Task.WhenAll(states.Select(s => MergeOneAsync(s, cancellationToken)));
    }

    private async Task MergeOneAsync(EnvironmentCellState state, CancellationToken cancellationToken)
    {
        var rowKey = RowKey(state.System, state.Environment);
        for (var attempt = 1; ; attempt++)
        {
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(Partition, rowKey, cancellationToken: cancellationToken);
            try
            {
                if (!existing.HasValue)
                {
                    await table.AddEntityAsync(ToEntity(state, rowKey), cancellationToken);
                    return;
                }

                var stored = FromEntity(existing.Value!);
                var merged = stored.Merge(state);
                if (merged.SameAs(stored))
                {
                    return;
                }

                await table.UpdateEntityAsync(ToEntity(merged, rowKey), existing.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                return;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // Another writer of this cell was first: merge into what it wrote.
            }
        }
    }

    public async Task<EnvironmentStateSnapshot> ReadAsync(CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var cells = new List<EnvironmentCellState>();
        DateTimeOffset? backfilled = null;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition}");
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (entity.RowKey == BackfillMark)
            {
                backfilled = entity.GetDateTimeOffset("From") ?? DateTimeOffset.MinValue;
            }
            else
            {
                cells.Add(FromEntity(entity));
            }
        }

        return new EnvironmentStateSnapshot(cells, backfilled);
    }

    public async Task MarkBackfilledAsync(DateTimeOffset from, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        await table.UpsertEntityAsync(new TableEntity(Partition, BackfillMark) { ["From"] = from }, TableUpdateMode.Replace, cancellationToken);
    }

    private static TableEntity ToEntity(EnvironmentCellState state, string rowKey) => new(Partition, rowKey)
    {
        ["System"] = state.System,
        ["Environment"] = state.Environment,
        ["Deployed"] = state.Deployed is null ? null : JsonSerializer.Serialize(state.Deployed, Json),
        ["Last"] = JsonSerializer.Serialize(state.Last, Json),
        ["LastAt"] = state.Last.At,
        ["Rollbacks"] = JsonSerializer.Serialize(state.Rollbacks, Json),
        ["FirstSeen"] = JsonSerializer.Serialize(state.FirstSeen, Json),
    };

    private static EnvironmentCellState FromEntity(TableEntity e) => new(
        e.GetString("System")!,
        e.GetString("Environment")!,
        e.GetString("Deployed") is { } deployed ? JsonSerializer.Deserialize<DeploymentMark>(deployed, Json) : null,
        JsonSerializer.Deserialize<DeploymentMark>(e.GetString("Last")!, Json)!,
        JsonSerializer.Deserialize<RollbackMark[]>(e.GetString("Rollbacks") ?? "[]", Json) ?? [],
        JsonSerializer.Deserialize<DeploymentMark>(e.GetString("FirstSeen")!, Json)!);

    private Task EnsureTableAsync(CancellationToken cancellationToken) => _created.EnsureTableAsync(table, cancellationToken);

    /// <inheritdoc/>
    public Task WarmUpAsync(CancellationToken cancellationToken) => EnsureTableAsync(cancellationToken);
}
