using System.Globalization;
using Azure;
using Azure.Data.Tables;
using ReleaseManagement.Azure.Events;
using ReleaseManagement.Azure.Tables;
using ReleaseManagement.Metrics;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Metrics;

/// <summary>
/// Table <c>MetricsDaily</c>: partition = local date <c>yyyy-MM-dd</c>, row = system name or <c>*</c> (overall), and the day's
/// stale mark in row <see cref="IMetricsDailyStore.StaleRow"/> (its ETag is the mark's version).
/// </summary>
public sealed class TableMetricsDailyStore(TableClient table) : IMetricsDailyStore, IStorageWarmUp
{
    // Shared by concurrent first reads (the metrics page reads the rollups and the stale marks at once): one table check.
    private readonly FirstUse _created = new();

    /// <inheritdoc/>
    public Task WarmUpAsync(CancellationToken cancellationToken) => _created.EnsureTableAsync(table, cancellationToken);

    public static string DateKey(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public async Task ReplaceDayAsync(DateOnly date, IReadOnlyList<DailyRollup> rows, CancellationToken cancellationToken = default)
    {
        await _created.EnsureTableAsync(table, cancellationToken);
        var keep = rows.Select(r => TableKeys.Encode(r.System)).Append(IMetricsDailyStore.StaleRow).ToHashSet(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var entity = new TableEntity(DateKey(date), TableKeys.Encode(row.System))
            {
                ["System"] = row.System,
                ["ComputedAt"] = row.ComputedAt,
                ["Deployments"] = row.Counts.Deployments,
                ["SuccessfulDeployments"] = row.Counts.SuccessfulDeployments,
                ["Rollbacks"] = row.Counts.Rollbacks,
                ["Incidents"] = row.Counts.Incidents,
                ["Recoveries"] = row.Counts.Recoveries,
                ["TestRuns"] = row.Counts.TestRuns,
                ["ApprovalAsks"] = row.Counts.ApprovalAsks,
                ["RevisedAt"] = row.Revision?.At,
                ["RevisedBecause"] = row.Revision?.Reason,
            };
            MetricsJson.Write(entity, "Facts", row.Facts);
            await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        }

        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {DateKey(date)}");
        await foreach (var stale in table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            if (!keep.Contains(stale.RowKey))
            {
                await table.DeleteEntityAsync(stale.PartitionKey, stale.RowKey, ETag.All, cancellationToken);
            }
        }
    }

    public async Task<IReadOnlyList<DailyRollup>> ListAsync(DateOnly from, DateOnly to, string? system = null, CancellationToken cancellationToken = default)
    {
        await _created.EnsureTableAsync(table, cancellationToken);
        var filter = system is null
            ? TableClient.CreateQueryFilter($"PartitionKey ge {DateKey(from)} and PartitionKey lt {DateKey(to)} and RowKey ne {IMetricsDailyStore.StaleRow}")
            : TableClient.CreateQueryFilter($"PartitionKey ge {DateKey(from)} and PartitionKey lt {DateKey(to)} and (RowKey eq {TableKeys.Encode(system)} or RowKey eq {DailyRollup.Overall})");
        var entities = new List<TableEntity>();
        await foreach (var e in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            entities.Add(e);
        }

        // The facts' JSON is most of a read's work (a page's window: some 900 rows of a day's facts each): parsed on every core.
        var list = new DailyRollup[entities.Count];
        Parallel.For(0, entities.Count, i => list[i] = ToRollup(entities[i], system));
        return list;
    }

    private static DailyRollup ToRollup(TableEntity e, string? system)
    {
        var name = e.GetString("System") ?? e.RowKey;
        // The overall row of a system's report contributes only its facts of that system (none) and marks the day as rolled up.
        var facts = system is not null && name == DailyRollup.Overall ? MetricFacts.Empty : MetricsJson.Read<MetricFacts>(e, "Facts");
        var counts = new DailyCounts(
            e.GetInt32("Deployments") ?? 0, e.GetInt32("SuccessfulDeployments") ?? 0, e.GetInt32("Rollbacks") ?? 0, e.GetInt32("Incidents") ?? 0,
            e.GetInt32("Recoveries") ?? 0, e.GetInt32("TestRuns") ?? 0, e.GetInt32("ApprovalAsks") ?? 0);
        return new DailyRollup(ParseDate(e.PartitionKey), name, facts, counts, e.GetDateTimeOffset("ComputedAt") ?? DateTimeOffset.MinValue, Revision(e));
    }

    public async Task<IReadOnlyList<(DateOnly Date, DayRevision Revision)>> ListRevisionsAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        await _created.EnsureTableAsync(table, cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {DateKey(from)} and PartitionKey lt {DateKey(to)} and RowKey eq {DailyRollup.Overall}");
        var list = new List<(DateOnly, DayRevision)>();
        await foreach (var e in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RevisedAt", "RevisedBecause"], cancellationToken: cancellationToken))
        {
            if (Revision(e) is { } revision)
            {
                list.Add((ParseDate(e.PartitionKey), revision));
            }
        }

        return list;
    }

    public async Task MarkStaleAsync(IReadOnlyCollection<DateOnly> dates, string reason, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await _created.EnsureTableAsync(table, cancellationToken);
        // Replace, unconditionally: every write gives the mark a new ETag, so a recompute that read the earlier one keeps it.
        await Parallel.ForEachAsync(dates.Distinct(), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (date, ct) =>
            await table.UpsertEntityAsync(
                new TableEntity(DateKey(date), IMetricsDailyStore.StaleRow) { ["MarkedAt"] = at, ["Reason"] = reason },
                TableUpdateMode.Replace,
                ct));
    }

    public async Task<IReadOnlyList<StaleDay>> ListStaleAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        await _created.EnsureTableAsync(table, cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {DateKey(from)} and PartitionKey lt {DateKey(to)} and RowKey eq {IMetricsDailyStore.StaleRow}");
        var list = new List<StaleDay>();
        await foreach (var e in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            list.Add(new StaleDay(ParseDate(e.PartitionKey), e.GetDateTimeOffset("MarkedAt") ?? DateTimeOffset.MinValue, e.GetString("Reason") ?? "", e.ETag.ToString()));
        }

        return list;
    }

    public async Task<bool> ClearStaleAsync(StaleDay mark, CancellationToken cancellationToken = default)
    {
        await _created.EnsureTableAsync(table, cancellationToken);
        try
        {
            await table.DeleteEntityAsync(DateKey(mark.Date), IMetricsDailyStore.StaleRow, new ETag(mark.ETag), cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return false;
        }
    }

    private static DateOnly ParseDate(string key) => DateOnly.ParseExact(key, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DayRevision? Revision(TableEntity e) =>
        e.GetDateTimeOffset("RevisedAt") is { } at ? new DayRevision(at, e.GetString("RevisedBecause") ?? "") : null;
}
