using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Azure.Tables;

/// <summary>
/// The admission index (table <c>ReleaseIndex</c>): what the cadence and conflict rules read of a release, one row per
/// system it touches, in the partition of that system and the month of its target date (<c>billing|2027-03</c>), row key
/// its target date and id (<c>2027-03-16|rel-42</c>). Only the releases the rules count have rows (active or completed,
/// <see cref="ReleaseAdmission.CountsForCadence"/>). A request reads the partitions of its systems and of the months its
/// rules cover (<see cref="NeighboursAsync"/>): a bounded number of partition queries, whatever the size of the table.
/// <para>
/// Write order: the index first, then the release row. A failure in between leaves the index ahead of the release row,
/// never behind it (a release the rules cannot see): the retried write (a request sent again, a Durable activity retried)
/// repeats both, and every index write is an upsert or a delete of keys computed from the release, so it is idempotent.
/// What remains possible is a row of a request that failed and was never sent again: it counts as a release in its window
/// until repaired (see docs/architecture.md).
/// </para>
/// <para>
/// Releases stored before the index: the first use of a store on an account without the backfill mark indexes every
/// release row (<see cref="EnsureIndexAsync"/>), once; the mark is a row of partition <c>!meta</c>.
/// </para>
/// </summary>
public sealed partial class TableReleaseStore
{
    /// <summary>The partition of the index's own rows (a system's partition never starts with '!': names are escaped).</summary>
    public const string IndexMetaPartition = "!meta";

    /// <summary>The row marking that the releases stored before the index have been indexed.</summary>
    public const string BackfillMark = "backfill-v1";

    /// <summary>The partition of <paramref name="system"/> (case-insensitive) for the month of <paramref name="date"/>.</summary>
    public static string IndexPartition(string system, DateOnly date) =>
        Uri.EscapeDataString(system.ToLowerInvariant()) + "|" + date.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>The row key of release <paramref name="releaseId"/> with target date <paramref name="date"/>.</summary>
    public static string IndexRow(DateOnly date, string releaseId) => Day(date) + "|" + Uri.EscapeDataString(releaseId);

    /// <summary>The index rows of <paramref name="record"/>: one per system (case-insensitively distinct) when the rules count it, else none.</summary>
    internal static IReadOnlyList<TableEntity> IndexRows(ReleaseRecord? record)
    {
        if (record is null || !ReleaseAdmission.CountsForCadence(record.Status))
        {
            return [];
        }

        var request = record.Request;
        return request.Systems.Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(system => new TableEntity(IndexPartition(system, request.TargetDate), IndexRow(request.TargetDate, request.Id))
            {
                ["ReleaseId"] = request.Id,
                ["Type"] = request.Type.ToString(),
                ["Systems"] = JsonSerializer.Serialize(request.Systems),
                ["TargetDate"] = Day(request.TargetDate),
                ["Status"] = record.Status.ToString(),
                ["CreatedAt"] = record.CreatedAt,
            })
            .ToArray();
    }

    public async Task<IReadOnlyList<ReleaseRecord>> NeighboursAsync(
        IReadOnlyCollection<string> systems, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(systems);
        await EnsureTableAsync(cancellationToken);
        var partitions = new List<string>();
        foreach (var system in systems.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            for (var month = new DateOnly(from.Year, from.Month, 1); month <= to; month = month.AddMonths(1))
            {
                partitions.Add(IndexPartition(system, month));
            }
        }

        var (low, high) = (Day(from), Day(to.AddDays(1)));
        var read = await Task.WhenAll(partitions.Select(async partition =>
        {
            var rows = new List<TableEntity>();
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {low} and RowKey lt {high}");
            await foreach (var row in _index.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                rows.Add(row);
            }

            return rows;
        }));
        return read.SelectMany(rows => rows)
            .DistinctBy(row => row.GetString("ReleaseId"), StringComparer.Ordinal)
            .Select(FromIndexRow)
            .ToArray();
    }

    public Task ReindexAsync(ReleaseRecord current, ReleaseRecord next, CancellationToken cancellationToken = default) =>
        SyncIndexAsync(current, next, cancellationToken);

    /// <summary>
    /// The index as the release's status changes in <paramref name="writes"/> leave it, before they are written: only a
    /// change of target date or an end (any status but active) moves or removes rows (a completed release keeps them, as
    /// its cadence still counts); reads the release row for what it was.
    /// </summary>
    private async Task IndexStatusChangesAsync(IReadOnlyList<ReleaseWrite> writes, CancellationToken cancellationToken)
    {
        var changes = writes.OfType<ReleaseStatusChange>().ToArray();
        if (!changes.Any(c => c.TargetDate is not null || c.Status != ReleaseStatus.Active)
            || await GetAsync(changes[0].ReleaseId, cancellationToken) is not { } current)
        {
            return;
        }

        var target = changes.LastOrDefault(c => c.TargetDate is not null)?.TargetDate ?? current.Request.TargetDate;
        var next = current with { Status = changes[^1].Status, UpdatedAt = changes[^1].At, Request = current.Request with { TargetDate = target } };
        await SyncIndexAsync(current, next, cancellationToken);
    }

    /// <summary>
    /// Writes the admission and listing rows of <paramref name="after"/> and deletes those of <paramref name="before"/> it
    /// no longer has (the upserts first: an ended release is in the ended partition before it leaves the active one). Idempotent.
    /// </summary>
    private async Task SyncIndexAsync(ReleaseRecord? before, ReleaseRecord? after, CancellationToken cancellationToken)
    {
        var rows = IndexRows(after).Concat(ListingRows(after)).ToArray();
        foreach (var row in rows)
        {
            await _index.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
        }

        var kept = rows.Select(r => (r.PartitionKey, r.RowKey)).ToHashSet();
        foreach (var gone in IndexRows(before).Concat(ListingRows(before)).Where(r => !kept.Contains((r.PartitionKey, r.RowKey))))
        {
            try
            {
                await _index.DeleteEntityAsync(gone.PartitionKey, gone.RowKey, ETag.All, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // Already gone: a retried write.
            }
        }
    }

    /// <summary>
    /// Creates the index table and, for each of the admission rows (mark <see cref="BackfillMark"/>) and the listing rows
    /// (mark <see cref="ListingMark"/>) the account has no mark of, indexes every release row (one scan of the release rows
    /// for both, rows written by partition in transactions of up to 100), then sets the marks. One query of the marks'
    /// partition when both are set. Safe to run twice at once (upserts of the same rows).
    /// </summary>
    private async Task EnsureIndexAsync(CancellationToken cancellationToken)
    {
        await _index.CreateIfNotExistsAsync(cancellationToken);
        var marks = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var mark in _index.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {IndexMetaPartition}"), select: ["RowKey"], cancellationToken: cancellationToken))
        {
            marks.Add(mark.RowKey);
        }

        var (admission, listing) = (!marks.Contains(BackfillMark), !marks.Contains(ListingMark));
        if (!admission && !listing)
        {
            return;
        }

        var (indexed, listed) = (0, 0);
        var rows = new List<TableEntity>();
        var filter = TableClient.CreateQueryFilter($"RowKey eq {RowKey}");
        await foreach (var release in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            var record = FromEntity(release);
            if (admission)
            {
                rows.AddRange(IndexRows(record));
                indexed += ReleaseAdmission.CountsForCadence(record.Status) ? 1 : 0;
            }

            if (listing)
            {
                rows.AddRange(ListingRows(record));
                listed++;
            }
        }

        foreach (var partition in rows.GroupBy(r => r.PartitionKey))
        {
            foreach (var chunk in partition.Chunk(100))
            {
                await _index.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)), cancellationToken);
            }
        }

        if (admission)
        {
            await _index.UpsertEntityAsync(new TableEntity(IndexMetaPartition, BackfillMark) { ["Releases"] = indexed }, TableUpdateMode.Replace, cancellationToken);
        }

        if (listing)
        {
            await _index.UpsertEntityAsync(new TableEntity(IndexMetaPartition, ListingMark) { ["Releases"] = listed }, TableUpdateMode.Replace, cancellationToken);
        }
    }

    /// <summary>An index row as the record the admission rules read (title, phase and the rest left empty).</summary>
    private static ReleaseRecord FromIndexRow(TableEntity e)
    {
        var created = e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue;
        var request = new ReleaseRequest(
            e.GetString("ReleaseId")!,
            string.Empty,
            Enum.Parse<ReleaseType>(e.GetString("Type")!),
            JsonSerializer.Deserialize<string[]>(e.GetString("Systems") ?? "[]") ?? [],
            DateOnly.ParseExact(e.GetString("TargetDate")!, "yyyy-MM-dd", CultureInfo.InvariantCulture));
        return new ReleaseRecord(request, created, ReleasePhase.Submitted, Enum.Parse<ReleaseStatus>(e.GetString("Status")!), null, created);
    }

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
