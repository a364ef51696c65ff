using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using ReleaseManagement.Azure.Tables;
using ReleaseManagement.Events;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Events;

/// <summary>
/// Canonical events in table <c>PipelineEvents</c>, keyed for the metric queries:
/// <list type="bullet">
/// <item>event rows: PartitionKey = the month the event happened (<c>yyyy-MM</c>, UTC), RowKey = the event id. The
/// conditional insert of this row is the deduplication guard (the same delivery always normalizes to the same month). A
/// small delivery, which travelled inside its queue message and is in no blob, is kept raw on this row (<see cref="RawBodyColumn"/>).</item>
/// <item>release index rows: PartitionKey = <c>release|{releaseId}</c>, RowKey = <c>{occurredAt}|{event id}</c>, holding a
/// copy of the event (without the raw delivery) and its outcome, so a release's events are one partition scan in time order. Written last, once the
/// event has been processed (<see cref="RecordIndexAsync"/>): for an event of a release it is the mark that it is done.</item>
/// </list>
/// </summary>
/// <param name="table">The table.</param>
/// <param name="maxGroup">The most rows of one partition written in one transaction (<see cref="PartitionGroupCommit"/>);
/// 1 writes every row alone (the benchmark compares the two).</param>
public sealed class TablePipelineEventStore(TableClient table, int maxGroup = PartitionGroupCommit.MaxBatch) : IPipelineEventStore, IStorageWarmUp
{
    // The event rows of a month and a release's index rows are each one partition: concurrent writes of the processor go
    // together (PartitionGroupCommit), each caller still seeing its own row's outcome.
    private readonly PartitionGroupCommit _writes = new(table, maxGroup);

    public const string ReleasePartitionPrefix = "release|";

    /// <summary>The raw delivery kept on an event row (one that travelled inline, so no blob holds it): its id, its
    /// provider's event type, when it was received and its body exactly as received (binary).</summary>
    public const string RawDeliveryIdColumn = "RawDeliveryId";

    public const string RawEventTypeColumn = "RawEventType";

    public const string RawReceivedAtColumn = "RawReceivedAt";

    public const string RawBodyColumn = "RawBody";

    /// <summary>A binary table property holds at most 64 KiB; an inline delivery is at most about 29 KB.</summary>
    public const int MaxRawBodyBytes = 64 * 1024;

    // Shared by concurrent first calls (and run when the instance starts: IStorageWarmUp).
    private readonly FirstUse _created = new();

    public static string PeriodKey(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public static string ReleaseKey(string releaseId) => ReleasePartitionPrefix + releaseId;

    public static string IndexRowKey(CanonicalEvent evt) =>
        evt.OccurredAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss.fffffff'Z'", CultureInfo.InvariantCulture) + "|" + TableKeys.Encode(evt.EventId);

    public Task<StoreOutcome> AddAsync(CanonicalEvent evt, DateTimeOffset storedAt, CancellationToken cancellationToken = default) =>
        AddAsync(evt, storedAt, null, cancellationToken);

    public Task<StoreOutcome> AddAsync(CanonicalEvent evt, DateTimeOffset storedAt, string? delivery, CancellationToken cancellationToken = default) =>
        AddAsync(evt, storedAt, delivery, null, cancellationToken);

    public async Task<StoreOutcome> AddAsync(CanonicalEvent evt, DateTimeOffset storedAt, string? delivery, RawDelivery? raw, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var entity = ToEntity(evt, PeriodKey(evt.OccurredAt), TableKeys.Encode(evt.EventId), storedAt);
        if (delivery is not null)
        {
            entity["Delivery"] = delivery;
            entity["ProcessedAt"] = storedAt;
        }

        if (raw is not null && raw.Body.Length <= MaxRawBodyBytes)
        {
            entity[RawDeliveryIdColumn] = raw.DeliveryId;
            entity[RawEventTypeColumn] = raw.EventType;
            entity[RawReceivedAtColumn] = raw.ReceivedAt;
            entity[RawBodyColumn] = raw.Body.ToArray();
        }

        try
        {
            await _writes.AddAsync(entity, cancellationToken);
            return StoreOutcome.Added;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return await IsDoneAsync(evt, cancellationToken) ? StoreOutcome.ExistsDone : StoreOutcome.ExistsPending;
        }
    }

    public async Task MarkProcessedAsync(CanonicalEvent evt, string delivery, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        await table.UpsertEntityAsync(Processed(PeriodKey(evt.OccurredAt), TableKeys.Encode(evt.EventId), delivery, at), TableUpdateMode.Merge, cancellationToken);
        // The index row last: for an event of a release it is the mark that the event was processed.
        await RecordIndexAsync(evt, delivery, at, cancellationToken);
    }

    public async Task RecordIndexAsync(CanonicalEvent evt, string delivery, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        if (evt.ReleaseId is not { } releaseId)
        {
            return;
        }

        await EnsureTableAsync(cancellationToken);
        // The index row is a whole copy, written once the outcome is known; rewriting it on a retry is harmless.
        var index = ToEntity(evt, ReleaseKey(releaseId), IndexRowKey(evt), at);
        index["Delivery"] = delivery;
        index["ProcessedAt"] = at;
        await _writes.UpsertReplaceAsync(index, cancellationToken);
    }

    /// <summary>An event of a release is done when its index row exists (written last); any other when its row has an outcome.</summary>
    private async Task<bool> IsDoneAsync(CanonicalEvent evt, CancellationToken cancellationToken)
    {
        if (evt.ReleaseId is { } releaseId)
        {
            var index = await table.GetEntityIfExistsAsync<TableEntity>(ReleaseKey(releaseId), IndexRowKey(evt), ["Delivery"], cancellationToken);
            return index.HasValue;
        }

        var existing = await table.GetEntityIfExistsAsync<TableEntity>(PeriodKey(evt.OccurredAt), TableKeys.Encode(evt.EventId), ["Delivery"], cancellationToken);
        return existing.HasValue && existing.Value!.GetString("Delivery") is not null;
    }

    public async Task<StoredPipelineEvent?> GetAsync(string eventId, DateTimeOffset occurredAt, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(PeriodKey(occurredAt), TableKeys.Encode(eventId), cancellationToken: cancellationToken);
        return response.HasValue ? FromEntity(response.Value!) : null;
    }

    public async Task<IReadOnlyList<StoredPipelineEvent>> ListByReleaseAsync(string releaseId, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {ReleaseKey(releaseId)}");
        var result = new List<StoredPipelineEvent>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            result.Add(FromEntity(entity));
        }

        return result;
    }

    public async Task<IReadOnlyList<StoredPipelineEvent>> ListByPeriodAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var result = new List<StoredPipelineEvent>();
        var month = new DateTimeOffset(from.UtcDateTime.Year, from.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);
        for (; month < to; month = month.AddMonths(1))
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {PeriodKey(month)} and OccurredAt ge {from} and OccurredAt lt {to}");
            await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                result.Add(FromEntity(entity));
            }
        }

        return result.OrderBy(e => e.Event.OccurredAt).ToList();
    }

    private static TableEntity Processed(string partitionKey, string rowKey, string delivery, DateTimeOffset at) => new(partitionKey, rowKey)
    {
        ["Delivery"] = delivery,
        ["ProcessedAt"] = at,
    };

    internal static TableEntity ToEntity(CanonicalEvent evt, string partitionKey, string rowKey, DateTimeOffset storedAt) => new(partitionKey, rowKey)
    {
        ["EventId"] = evt.EventId,
        ["Source"] = evt.Source,
        ["Type"] = evt.Type.ToString(),
        ["OccurredAt"] = evt.OccurredAt,
        ["ReleaseId"] = evt.ReleaseId,
        ["System"] = evt.System,
        ["Environment"] = evt.Environment,
        ["Outcome"] = evt.Outcome,
        ["Attributes"] = JsonSerializer.Serialize(evt.Attributes),
        ["StoredAt"] = storedAt,
    };

    internal static StoredPipelineEvent FromEntity(TableEntity e)
    {
        var evt = new CanonicalEvent(
            e.GetString("EventId")!,
            e.GetString("Source")!,
            Enum.Parse<CanonicalEventType>(e.GetString("Type")!),
            e.GetDateTimeOffset("OccurredAt") ?? DateTimeOffset.MinValue,
            e.GetString("ReleaseId"),
            e.GetString("System"),
            e.GetString("Environment"),
            e.GetString("Outcome"),
            JsonSerializer.Deserialize<Dictionary<string, string>>(e.GetString("Attributes") ?? "{}") ?? []);
        return new StoredPipelineEvent(evt, e.GetDateTimeOffset("StoredAt") ?? DateTimeOffset.MinValue, e.GetString("Delivery"), e.GetDateTimeOffset("ProcessedAt"));
    }

    /// <inheritdoc/>
    public Task WarmUpAsync(CancellationToken cancellationToken) => EnsureTableAsync(cancellationToken);

    private Task EnsureTableAsync(CancellationToken cancellationToken) => _created.EnsureTableAsync(table, cancellationToken);
}
