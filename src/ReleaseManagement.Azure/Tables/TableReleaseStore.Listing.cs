using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Azure.Tables;

/// <summary>
/// The listing partitions, in the admission index's table (<c>ReleaseIndex</c>) beside its system partitions, so that no
/// listing reads table <c>Releases</c> whole (docs/architecture.md, "Hot queries"):
/// <list type="bullet">
/// <item><c>!active</c>: one row per active release, row key its id (the board, the calendar, the watch list, stranded releases);</item>
/// <item><c>!month|2027-03</c>: one row per release of any status by the month of its target date, row key
/// <c>2027-03-16|rel-42</c> (<c>GET /api/releases?from=&amp;to=</c>, <see cref="ReleaseQuery.TargetFrom"/>);</item>
/// <item><c>!ended</c> and <c>!ended|Completed</c> (one per ended status): one row per ended release in each, row key the
/// inverted ticks of the time it ended (its last status change) then the id, so a range of row keys reads the releases
/// ended since a time, most recently ended first, and a status listing stops at its maximum (the board's recently ended,
/// <c>GET /api/releases?status=Completed</c>). A range of row keys within one partition is one query, however many
/// releases ended before it: a partition per month would cost a query per month of the window instead.</item>
/// </list>
/// A row carries the keys and the filter fields only (id, type, systems, target date, status, created and ended at); the
/// reader filters on them and then reads the release rows of just what it returns, by point reads. The release row
/// changes at every step of the lifecycle (stage, approvals, warnings, rollout): a copy would cost a second write at each
/// step and could lag; a point read costs one operation per release shown. The rows are written as the admission rows
/// are (<see cref="SyncIndexAsync"/>: upserts and deletes of keys computed from the release, ahead of the release row), so
/// a listing is never behind the release rows; a row ahead of its release (a create not yet written) reads as nothing,
/// and the point read decides what is listed.
/// </summary>
public sealed partial class TableReleaseStore
{
    /// <summary>The partition of the active releases.</summary>
    public const string ActivePartition = "!active";

    /// <summary>The mark row (partition <see cref="IndexMetaPartition"/>) of the one-time backfill of the listing partitions.</summary>
    public const string ListingMark = "listing-v1";

    /// <summary>How far back a listing of ended releases reads when the query names no <see cref="ReleaseQuery.EndedSince"/>.</summary>
    public static readonly TimeSpan DefaultEndedWindow = TimeSpan.FromDays(366);

    /// <summary>How far apart <see cref="ReleaseQuery.TargetFrom"/> and <see cref="ReleaseQuery.TargetTo"/> are taken when only one is given.</summary>
    public const int DefaultTargetRangeDays = 366;

    private const string MonthPrefix = "!month|";
    private const string EndedPrefix = "!ended";

    /// <summary>The partition of the releases whose target date falls in the month of <paramref name="date"/>.</summary>
    public static string TargetMonthPartition(DateOnly date) => MonthPrefix + date.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>The partition of the ended releases (<paramref name="status"/> null), or of those that ended <paramref name="status"/>.</summary>
    public static string EndedPartition(ReleaseStatus? status = null) => status is { } s ? EndedPrefix + "|" + s : EndedPrefix;

    /// <summary>The row key of a release that ended at <paramref name="endedAt"/>: later ends sort first.</summary>
    public static string EndedRow(DateTimeOffset endedAt, string releaseId) =>
        EndedTicks(endedAt) + "|" + Uri.EscapeDataString(releaseId);

    private static string EndedTicks(DateTimeOffset at) =>
        (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

    /// <summary>The listing rows of <paramref name="record"/>: its target month's, and the active one or the two ended ones.</summary>
    internal static IReadOnlyList<TableEntity> ListingRows(ReleaseRecord? record)
    {
        if (record is null)
        {
            return [];
        }

        var request = record.Request;
        var ended = record.Status != ReleaseStatus.Active;
        var rows = new List<TableEntity> { Row(TargetMonthPartition(request.TargetDate), IndexRow(request.TargetDate, request.Id)) };
        rows.AddRange(ended
            ? [Row(EndedPartition(), EndedRow(record.UpdatedAt, request.Id)), Row(EndedPartition(record.Status), EndedRow(record.UpdatedAt, request.Id))]
            : [Row(ActivePartition, Uri.EscapeDataString(request.Id))]);
        return rows;

        TableEntity Row(string partition, string row)
        {
            var entity = new TableEntity(partition, row)
            {
                ["ReleaseId"] = request.Id,
                ["Type"] = request.Type.ToString(),
                ["Systems"] = JsonSerializer.Serialize(request.Systems),
                ["TargetDate"] = Day(request.TargetDate),
                ["Status"] = record.Status.ToString(),
                ["CreatedAt"] = record.CreatedAt,
            };
            if (ended)
            {
                entity["EndedAt"] = record.UpdatedAt;
            }

            return entity;
        }
    }

    /// <summary>
    /// The active releases, newest first: one query of partition <see cref="ActivePartition"/> and a point read of each
    /// release row (a cost bounded by the releases in flight, whatever the years of history).
    /// </summary>
    public Task<IReadOnlyList<ReleaseRecord>> ListActiveAsync(CancellationToken cancellationToken = default) =>
        ListAsync(new ReleaseQuery(Status: ReleaseStatus.Active, Max: int.MaxValue), cancellationToken);

    /// <summary>
    /// The listing behind <see cref="ListAsync"/>: which partitions the query's bounds name (see <see cref="ReleaseQuery"/>),
    /// the query's filters on their rows, at most <see cref="ReleaseQuery.Max"/> rows newest first, then point reads of
    /// those release rows (the query's filters checked again on them: the release row is the truth). Null when the query
    /// bounds nothing (no status, no target dates, no <see cref="ReleaseQuery.EndedSince"/>): the caller scans.
    /// </summary>
    private async Task<IReadOnlyList<ReleaseRecord>?> ListFromPartitionsAsync(ReleaseQuery query, CancellationToken cancellationToken)
    {
        var endedSince = query.EndedSince ?? (query.Status is { } s && s != ReleaseStatus.Active ? _time.GetUtcNow() - DefaultEndedWindow : null);
        IReadOnlyList<TableEntity> rows;
        if (query.TargetFrom is not null || query.TargetTo is not null)
        {
            var from = query.TargetFrom ?? query.TargetTo!.Value.AddDays(-DefaultTargetRangeDays);
            var to = query.TargetTo ?? from.AddDays(DefaultTargetRangeDays);
            rows = await TargetRowsAsync(from, to, row => Matches(row, query) && EndedSinceHolds(row, query.EndedSince), cancellationToken);
        }
        else if (query.Status == ReleaseStatus.Active)
        {
            rows = await PartitionRowsAsync(TableClient.CreateQueryFilter($"PartitionKey eq {ActivePartition}"), row => Matches(row, query), cancellationToken);
        }
        else if (endedSince is { } since)
        {
            var ended = await EndedRowsAsync(since, query.Status, row => Matches(row, query), query.Max, cancellationToken);
            rows = query.Status is null
                ? [.. ended, .. await PartitionRowsAsync(TableClient.CreateQueryFilter($"PartitionKey eq {ActivePartition}"), row => Matches(row, query), cancellationToken)]
                : ended;
        }
        else
        {
            return null;
        }

        var chosen = rows
            .DistinctBy(r => r.GetString("ReleaseId"), StringComparer.Ordinal)
            .OrderByDescending(r => r.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue)
            .Take(query.Max)
            .ToArray();
        var records = await ReadReleasesAsync(chosen, cancellationToken);
        await RepairActiveAsync(chosen, records, cancellationToken);
        return records
            .Where(r => Matches(r, query) && (query.EndedSince is null || r.Status == ReleaseStatus.Active || r.UpdatedAt >= query.EndedSince))
            .OrderByDescending(r => r.CreatedAt)
            .ToArray();
    }

    private Task<IReadOnlyList<TableEntity>> TargetRowsAsync(DateOnly from, DateOnly to, Func<TableEntity, bool> keep, CancellationToken cancellationToken)
    {
        var (low, high) = (Day(from), Day(to.AddDays(1)));
        var months = new List<string>();
        for (var month = new DateOnly(from.Year, from.Month, 1); month <= to; month = month.AddMonths(1))
        {
            months.Add(TargetMonthPartition(month));
        }

        return ConcatAsync(months.Select(partition =>
            PartitionRowsAsync(TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {low} and RowKey lt {high}"), keep, cancellationToken)));
    }

    /// <summary>
    /// The ended rows (of <paramref name="status"/>, or all) from <paramref name="since"/> on that <paramref name="keep"/>
    /// keeps, most recently ended first: one range query of the ended partition, stopping once <paramref name="max"/> rows
    /// are kept (pages of at most <paramref name="max"/> rows).
    /// </summary>
    private async Task<IReadOnlyList<TableEntity>> EndedRowsAsync(
        DateTimeOffset since, ReleaseStatus? status, Func<TableEntity, bool> keep, int max, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {EndedPartition(status)} and RowKey lt {EndedTicks(since) + "}"}");
        var rows = new List<TableEntity>();
        await foreach (var row in _index.QueryAsync<TableEntity>(filter, maxPerPage: Math.Clamp(max, 1, 1000), cancellationToken: cancellationToken))
        {
            if (keep(row))
            {
                rows.Add(row);
                if (rows.Count >= max)
                {
                    break;
                }
            }
        }

        return rows;
    }

    private async Task<IReadOnlyList<TableEntity>> PartitionRowsAsync(string filter, Func<TableEntity, bool> keep, CancellationToken cancellationToken)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in _index.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (keep(row))
            {
                rows.Add(row);
            }
        }

        return rows;
    }

    private static async Task<IReadOnlyList<TableEntity>> ConcatAsync(IEnumerable<Task<IReadOnlyList<TableEntity>>> reads) =>
        (await Task.WhenAll(reads)).SelectMany(r => r).ToArray();

    /// <summary>
    /// The release rows the listing rows name, read in parallel (one point read each). A listing row whose release row is
    /// missing (a create whose release row is not written yet, or never will be) is skipped.
    /// </summary>
    private async Task<IReadOnlyList<ReleaseRecord>> ReadReleasesAsync(IEnumerable<TableEntity> rows, CancellationToken cancellationToken)
    {
        var read = await Task.WhenAll(rows.Select(row => row.GetString("ReleaseId")).OfType<string>().Distinct(StringComparer.Ordinal)
            .Select(id => GetAsync(id, cancellationToken)));
        return read.OfType<ReleaseRecord>().ToArray();
    }

    /// <summary>
    /// Deletes the active rows of releases whose row says they ended: only a backfill that read a release just before it
    /// ended leaves one (an end deletes the row ahead of the release row, and an ended release never becomes active
    /// again), and a stale row would cost a point read in every listing after.
    /// </summary>
    private async Task RepairActiveAsync(IEnumerable<TableEntity> rows, IReadOnlyList<ReleaseRecord> records, CancellationToken cancellationToken)
    {
        var ended = records.Where(r => r.Status != ReleaseStatus.Active).Select(r => r.Request.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var stale in rows.Where(r => r.PartitionKey == ActivePartition && ended.Contains(r.GetString("ReleaseId") ?? string.Empty)))
        {
            try
            {
                await _index.DeleteEntityAsync(stale.PartitionKey, stale.RowKey, ETag.All, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // Removed by another reader.
            }
        }
    }

    private static bool Matches(TableEntity row, ReleaseQuery query) =>
        (query.Status is null || row.GetString("Status") == query.Status.ToString())
        && (query.Type is null || row.GetString("Type") == query.Type.ToString())
        && (query.System is null || (JsonSerializer.Deserialize<string[]>(row.GetString("Systems") ?? "[]") ?? [])
            .Contains(query.System, StringComparer.OrdinalIgnoreCase));

    private static bool Matches(ReleaseRecord record, ReleaseQuery query) =>
        (query.Status is null || record.Status == query.Status)
        && (query.Type is null || record.Request.Type == query.Type)
        && (query.System is null || record.Request.Systems.Contains(query.System, StringComparer.OrdinalIgnoreCase))
        && (query.TargetFrom is null || record.Request.TargetDate >= query.TargetFrom)
        && (query.TargetTo is null || record.Request.TargetDate <= query.TargetTo);

    private static bool EndedSinceHolds(TableEntity row, DateTimeOffset? since) =>
        since is null || row.GetString("Status") == nameof(ReleaseStatus.Active) || row.GetDateTimeOffset("EndedAt") >= since;
}
