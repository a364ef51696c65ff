using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using ReleaseManagement.Azure.Events;
using ReleaseManagement.Audit;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Tables;

/// <summary>
/// The audit trail in table <c>ReleaseAudit</c>: partition = release id, row key = the sequence zero-padded to 19 digits
/// (so rows sort in order). Beside the audit rows, each partition holds an index that makes an append cost the same
/// storage operations whatever the trail's length: a row per event key (<see cref="EventKeyRowKey"/> → its sequence) and
/// a head (<see cref="HeadRowKey"/>: the last sequence and its hash). An append reads the head and the row it names (the
/// head is only a hint: a head its row does not confirm is rebuilt from the rows; the row is not read again when the head
/// is, by its ETag, the one this instance wrote with that row), then inserts the event-key row, the next sequence and the
/// new head (replaced with the ETag read) in one entity-group transaction: a taken sequence (409) or a moved head (412)
/// is a lost race (read again and chain after the winner; a taken sequence under a head that did not move means the head
/// is behind the rows: it is rebuilt), a taken event key (409) is a retry (the row written first is returned).
/// A trail without a head (written before heads existed) is read whole once, its event-key rows and head written, and
/// then appended to as any other. Audit rows are only ever inserted, never updated or deleted; the head is the only row
/// that changes, and <see cref="ReadAsync"/> returns the audit rows only.
/// </summary>
public sealed partial class TableAuditTrail(TableServiceClient service, AuditKeys keys, string tableName = TableNames.ReleaseAudit) : IAuditTrail
{
    /// <summary>How many lost races an append tolerates before it gives up.</summary>
    public const int MaxAttempts = 50;

    /// <summary>The row key of a partition's head (sorts after every sequence, before the event-key rows).</summary>
    public const string HeadRowKey = "head";

    /// <summary>Table string properties hold at most 32 K characters: longer data is split over several properties.</summary>
    private const int ChunkLength = 30_000;

    /// <summary>An encoded event key longer than this is named by its hash (row keys hold at most 1 KiB).</summary>
    private const int MaxEncodedEventKey = 400;

    /// <summary>A transaction holds at most 100 actions.</summary>
    private const int MaxTransactionActions = 100;

    /// <summary>How many releases' heads <see cref="_written"/> remembers before it starts again.</summary>
    private const int MaxRemembered = 10_000;

    private readonly TableClient _table = service.GetTableClient(tableName);

    /// <summary>
    /// The ETag of each head this instance wrote last (in the transaction that inserted the row it names): a head read
    /// back with that ETag is unchanged since, so that row need not be read to confirm it.
    /// </summary>
    private readonly ConcurrentDictionary<string, ETag> _written = new(StringComparer.Ordinal);
    private volatile bool _created;

    public static string RowKey(long sequence) => sequence.ToString("D19", CultureInfo.InvariantCulture);

    /// <summary>The filter of a partition's audit rows (the row-key range of the sequences: no head, no event-key rows).</summary>
    public static string AuditRowsFilter(string releaseId) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {releaseId} and RowKey ge {RowKey(0)} and RowKey le {RowKey(long.MaxValue)}");

    /// <summary>The filter of every partition's audit rows.</summary>
    public static string AllAuditRowsFilter() => TableClient.CreateQueryFilter($"RowKey ge {RowKey(0)} and RowKey le {RowKey(long.MaxValue)}");

    /// <summary>The row key of the index row of <paramref name="eventKey"/>: <c>key|</c> and the key (encoded), or <c>keyh|</c> and its SHA-256 when long.</summary>
    public static string EventKeyRowKey(string eventKey)
    {
        ArgumentNullException.ThrowIfNull(eventKey);
        var encoded = TableKeys.Encode(eventKey);
        return encoded.Length <= MaxEncodedEventKey
            ? "key|" + encoded
            : "keyh|" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(eventKey)));
    }

    public async Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await EnsureTableAsync(cancellationToken);
        var releaseId = entry.ReleaseId;
        ETag? behind = null;
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var head = await _table.GetEntityIfExistsAsync<TableEntity>(releaseId, HeadRowKey, cancellationToken: cancellationToken);
            var headETag = head.HasValue ? head.Value!.ETag : (ETag?)null;
            var last = !head.HasValue || headETag == behind ? null
                : _written.TryGetValue(releaseId, out var mine) && mine == headETag ? Hint(head.Value!)
                : await ConfirmedHeadAsync(head.Value!, cancellationToken);
            if (last is null)
            {
                // No head (a new trail, or one written before heads), or one its rows do not confirm: read the trail once.
                var (rows, indexed) = await ReadPartitionAsync(releaseId, cancellationToken);
                if (rows.Count > 0)
                {
                    if (await RebuildIndexAsync(releaseId, rows, indexed, headETag, cancellationToken)
                        && rows.FirstOrDefault(r => string.Equals(r.Entry.EventKey, entry.EventKey, StringComparison.Ordinal)) is { } found)
                    {
                        return found;
                    }

                    behind = null;
                    continue;
                }

                last = (0, AuditChain.Genesis);
            }

            var record = AuditChain.Seal(entry, last.Value.Sequence + 1, last.Value.Hash, keys);
            TableTransactionAction[] actions =
            [
                new(TableTransactionActionType.Add, KeyEntity(record)),
                new(TableTransactionActionType.Add, ToEntity(record)),
                headETag is { } etag
                    ? new(TableTransactionActionType.UpdateReplace, HeadEntity(record), etag)
                    : new(TableTransactionActionType.Add, HeadEntity(record)),
            ];
            try
            {
                var written = await _table.SubmitTransactionAsync(actions, cancellationToken);
                Remember(releaseId, written.Value[^1].Headers.ETag);
                return record;
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412)
            {
                if (e.FailedTransactionActionIndex is 0 or null && await ExistingAsync(entry, cancellationToken) is { } existing)
                {
                    return existing; // the event key is taken: a retry of an append that was written
                }

                // The sequence was taken (index 1) or the head moved (index 2): another append won; chain after it. When
                // the sequence was taken and the head did not move, the head is behind the rows: the next attempt sees
                // the same ETag and rebuilds it from the rows (so too when the failed action is not named).
                behind = e.FailedTransactionActionIndex is 1 or null ? headETag : null;
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 + (attempt * 10))), cancellationToken);
            }
        }

        throw new InvalidOperationException($"The audit row '{entry.EventKey}' of release '{entry.ReleaseId}' could not be appended after {MaxAttempts} attempts.");
    }

    public async Task<IReadOnlyList<AuditRecord>> ReadAsync(string releaseId, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var rows = new List<AuditRecord>();
        await foreach (var e in _table.QueryAsync<TableEntity>(AuditRowsFilter(releaseId), cancellationToken: cancellationToken))
        {
            rows.Add(FromEntity(e));
        }

        return rows.OrderBy(r => r.Sequence).ToList();
    }

    /// <summary>The sequence and hash a head names (null when it names none).</summary>
    private static (long Sequence, string Hash)? Hint(TableEntity head) =>
        head.GetInt64("Sequence") is { } sequence && sequence >= 1 && head.GetString("Hash") is { } hash ? (sequence, hash) : null;

    /// <summary>The head's sequence and hash when the row it names exists with that hash; null otherwise.</summary>
    private async Task<(long Sequence, string Hash)?> ConfirmedHeadAsync(TableEntity head, CancellationToken cancellationToken)
    {
        if (Hint(head) is not { } hint)
        {
            return null;
        }

        var row = await _table.GetEntityIfExistsAsync<TableEntity>(head.PartitionKey, RowKey(hint.Sequence), cancellationToken: cancellationToken);
        return row.HasValue && string.Equals(row.Value!.GetString("Hash"), hint.Hash, StringComparison.Ordinal) ? hint : null;
    }

    private void Remember(string releaseId, ETag? headETag)
    {
        if (headETag is not { } etag)
        {
            return;
        }

        if (_written.Count >= MaxRemembered)
        {
            _written.Clear();
        }

        _written[releaseId] = etag;
    }

    /// <summary>The audit row an event key's index row names; null when the key has no index row.</summary>
    private async Task<AuditRecord?> ExistingAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        var key = await _table.GetEntityIfExistsAsync<TableEntity>(entry.ReleaseId, EventKeyRowKey(entry.EventKey), cancellationToken: cancellationToken);
        if (!key.HasValue)
        {
            return null;
        }

        var sequence = key.Value!.GetInt64("Sequence") ?? 0;
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(entry.ReleaseId, RowKey(sequence), cancellationToken: cancellationToken);
        var record = row.HasValue ? FromEntity(row.Value!) : null;
        return record is not null && string.Equals(record.Entry.EventKey, entry.EventKey, StringComparison.Ordinal)
            ? record
            : throw new InvalidOperationException(
                $"The audit row '{entry.EventKey}' of release '{entry.ReleaseId}' was appended as row {sequence}, which is missing or altered: the trail was tampered with.");
    }

    /// <summary>The partition read whole: its audit rows in order and the row keys of its event-key rows.</summary>
    private async Task<(IReadOnlyList<AuditRecord> Rows, HashSet<string> Indexed)> ReadPartitionAsync(string releaseId, CancellationToken cancellationToken)
    {
        var rows = new List<AuditRecord>();
        var indexed = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var e in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {releaseId}"), cancellationToken: cancellationToken))
        {
            if (IsAuditRowKey(e.RowKey))
            {
                rows.Add(FromEntity(e));
            }
            else if (e.RowKey.StartsWith("key", StringComparison.Ordinal))
            {
                indexed.Add(e.RowKey);
            }
        }

        return (rows.OrderBy(r => r.Sequence).ToList(), indexed);
    }

    /// <summary>
    /// Writes the event-key rows the trail lacks (each key's first row) and the head on its last row (inserted, or replaced
    /// with <paramref name="headETag"/>); false when the head was written or moved by another append meanwhile.
    /// </summary>
    private async Task<bool> RebuildIndexAsync(string releaseId, IReadOnlyList<AuditRecord> rows, HashSet<string> indexed, ETag? headETag, CancellationToken cancellationToken)
    {
        var actions = rows
            .DistinctBy(r => EventKeyRowKey(r.Entry.EventKey), StringComparer.Ordinal)
            .Where(r => !indexed.Contains(EventKeyRowKey(r.Entry.EventKey)))
            .Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, KeyEntity(r)))
            .ToList();
        actions.Add(headETag is { } etag
            ? new(TableTransactionActionType.UpdateReplace, HeadEntity(rows[^1]), etag)
            : new(TableTransactionActionType.Add, HeadEntity(rows[^1])));
        try
        {
            foreach (var chunk in actions.Chunk(MaxTransactionActions))
            {
                await _table.SubmitTransactionAsync(chunk, cancellationToken);
            }

            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
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
