using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using ReleaseManagement.Audit;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Tables;

/// <summary>
/// The audit trail in table <c>ReleaseAudit</c>: partition = release id, row key = the sequence zero-padded to 19 digits
/// (so rows sort in order). An append reads the partition, returns the row of the same event key if there is one, else
/// inserts the next sequence with the last row's hash; an insert that loses a race (409: that sequence was taken) re-reads
/// and tries again. Rows are only ever inserted, never updated or deleted.
/// </summary>
public sealed class TableAuditTrail(TableServiceClient service, AuditKeys keys, string tableName = TableNames.ReleaseAudit) : IAuditTrail
{
    /// <summary>How many lost races an append tolerates before it gives up.</summary>
    public const int MaxAttempts = 50;

    /// <summary>Table string properties hold at most 32 K characters: longer data is split over several properties.</summary>
    private const int ChunkLength = 30_000;

    private readonly TableClient _table = service.GetTableClient(tableName);
    private volatile bool _created;

    public static string RowKey(long sequence) => sequence.ToString("D19", CultureInfo.InvariantCulture);

    public async Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await EnsureTableAsync(cancellationToken);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var rows = await ReadAsync(entry.ReleaseId, cancellationToken);
            if (rows.FirstOrDefault(r => string.Equals(r.Entry.EventKey, entry.EventKey, StringComparison.Ordinal)) is { } existing)
            {
                return existing;
            }

            var last = rows.Count == 0 ? null : rows[^1];
            var record = AuditChain.Seal(entry, (last?.Sequence ?? 0) + 1, last?.Hash ?? AuditChain.Genesis, keys);
            try
            {
                await _table.AddEntityAsync(ToEntity(record), cancellationToken);
                return record;
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                // Another append took this sequence first: read again and chain after it.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 + (attempt * 10))), cancellationToken);
            }
        }

        throw new InvalidOperationException($"The audit row '{entry.EventKey}' of release '{entry.ReleaseId}' could not be appended after {MaxAttempts} attempts.");
    }

    public async Task<IReadOnlyList<AuditRecord>> ReadAsync(string releaseId, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var rows = new List<AuditRecord>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {releaseId}");
        await foreach (var e in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            rows.Add(FromEntity(e));
        }

        return rows.OrderBy(r => r.Sequence).ToList();
    }

    private static TableEntity ToEntity(AuditRecord r)
    {
        var e = r.Entry;
        var entity = new TableEntity(e.ReleaseId, RowKey(r.Sequence))
        {
            ["Sequence"] = r.Sequence,
            ["EventKey"] = e.EventKey,
            ["Action"] = e.Action,
            ["By"] = e.By,
            ["At"] = e.At.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            ["Channel"] = e.Channel,
            ["Summary"] = e.Summary,
            ["Rule"] = e.Rule,
            ["SignedInAs"] = e.SignedInAs,
            ["ClientAddress"] = e.ClientAddress,
            ["PreviousHash"] = r.PreviousHash,
            ["Hash"] = r.Hash,
            ["KeyId"] = r.KeyId,
        };
        var data = JsonSerializer.Serialize(e.Data ?? new Dictionary<string, string>());
        var chunks = (data.Length + ChunkLength - 1) / ChunkLength;
        entity["DataChunks"] = chunks;
        for (var i = 0; i < chunks; i++)
        {
            entity[$"Data{i}"] = data.Substring(i * ChunkLength, Math.Min(ChunkLength, data.Length - (i * ChunkLength)));
        }

        return entity;
    }

    /// <summary>Reads a row as stored; a row someone altered reads as altered (the chain check then finds it).</summary>
    private static AuditRecord FromEntity(TableEntity e)
    {
        var chunks = e.GetInt32("DataChunks") ?? 0;
        var data = string.Concat(Enumerable.Range(0, chunks).Select(i => e.GetString($"Data{i}") ?? string.Empty));
        Dictionary<string, string>? values;
        try
        {
            values = data.Length == 0 ? [] : JsonSerializer.Deserialize<Dictionary<string, string>>(data);
        }
        catch (JsonException)
        {
            values = new Dictionary<string, string>(StringComparer.Ordinal) { ["unreadable"] = data };
        }

        var at = DateTimeOffset.TryParse(e.GetString("At"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed) ? parsed : DateTimeOffset.MinValue;
        var sequence = e.GetInt64("Sequence")
            ?? (long.TryParse(e.RowKey, NumberStyles.None, CultureInfo.InvariantCulture, out var fromKey) ? fromKey : 0);
        var entry = new AuditEntry(
            e.PartitionKey,
            e.GetString("EventKey") ?? string.Empty,
            e.GetString("Action") ?? string.Empty,
            e.GetString("By") ?? string.Empty,
            at,
            e.GetString("Channel") ?? string.Empty,
            e.GetString("Summary") ?? string.Empty,
            e.GetString("Rule"),
            e.GetString("SignedInAs"),
            e.GetString("ClientAddress"),
            values);
        return new AuditRecord(sequence, entry, e.GetString("PreviousHash") ?? string.Empty, e.GetString("Hash") ?? string.Empty, e.GetString("KeyId"));
    }

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (_created)
        {
            return;
        }

        await _table.CreateIfNotExistsAsync(cancellationToken);
        _created = true;
    }
}
