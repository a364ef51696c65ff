using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using ReleaseManagement.Azure.Events;
using ReleaseManagement.Azure.Tables;
using ReleaseManagement.Metrics;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Azure.Metrics;

/// <summary>The metrics tables.</summary>
public static class MetricsTableNames
{
    public const string ReleaseHealth = "ReleaseHealth";
    public const string MetricsDaily = "MetricsDaily";
    public const string MetricsReports = "MetricsReports";
}

/// <summary>JSON of facts and reports as stored: camelCase, enums by name; large documents split over several string properties.</summary>
public static class MetricsJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>A table string property holds at most 32K UTF-16 characters; documents are split into parts of this size.</summary>
    private const int PartLength = 30_000;

    private const int MaxParts = 30;

    public static void Write<T>(TableEntity entity, string name, T value)
    {
        var json = JsonSerializer.Serialize(value, Options);
        var parts = (json.Length + PartLength - 1) / PartLength;
        if (parts > MaxParts)
        {
            throw new InvalidOperationException($"{name} is {json.Length} characters: more than a table row holds ({MaxParts * PartLength}).");
        }

        entity[name + "Parts"] = parts;
        for (var i = 0; i < parts; i++)
        {
            entity[$"{name}{i}"] = json.Substring(i * PartLength, Math.Min(PartLength, json.Length - (i * PartLength)));
        }
    }

    public static T Read<T>(TableEntity entity, string name)
    {
        var parts = entity.GetInt32(name + "Parts") ?? 0;
        var json = new StringBuilder();
        for (var i = 0; i < parts; i++)
        {
            json.Append(entity.GetString($"{name}{i}"));
        }

        return JsonSerializer.Deserialize<T>(json.ToString(), Options)!;
    }
}

internal static class TableOnce
{
    public static async Task EnsureAsync(TableClient table, Func<bool> created, Action mark, CancellationToken cancellationToken)
    {
        if (created())
        {
            return;
        }

        await table.CreateIfNotExistsAsync(cancellationToken);
        mark();
    }
}

/// <summary>
/// Table <c>MetricsDaily</c>: partition = local date <c>yyyy-MM-dd</c>, row = system name or <c>*</c> (overall), and the day's
/// stale mark in row <see cref="IMetricsDailyStore.StaleRow"/> (its ETag is the mark's version).
/// </summary>
public sealed class TableMetricsDailyStore(TableClient table) : IMetricsDailyStore
{
    private volatile bool _created;

    public static string DateKey(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public async Task ReplaceDayAsync(DateOnly date, IReadOnlyList<DailyRollup> rows, CancellationToken cancellationToken = default)
    {
        await TableOnce.EnsureAsync(table, () => _created, () => _created = true, cancellationToken);
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
        await TableOnce.EnsureAsync(table, () => _created, () => _created = true, cancellationToken);
        var filter = system is null
            ? TableClient.CreateQueryFilter($"PartitionKey ge {DateKey(from)} and PartitionKey lt {DateKey(to)} and RowKey ne {IMetricsDailyStore.StaleRow}")
            : TableClient.CreateQueryFilter($"PartitionKey ge {DateKey(from)} and PartitionKey lt {DateKey(to)} and (RowKey eq {TableKeys.Encode(system)} or RowKey eq {DailyRollup.Overall})");
        var list = new List<DailyRollup>();
        await foreach (var e in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            var facts = MetricsJson.Read<MetricFacts>(e, "Facts");
            var name = e.GetString("System") ?? e.RowKey;
            if (system is not null && name == DailyRollup.Overall)
            {
                // The overall row of a system's report contributes only its facts of that system (none) and marks the day as rolled up.
                facts = MetricFacts.Empty;
            }

            var counts = new DailyCounts(
                e.GetInt32("Deployments") ?? 0, e.GetInt32("SuccessfulDeployments") ?? 0, e.GetInt32("Rollbacks") ?? 0, e.GetInt32("Incidents") ?? 0,
                e.GetInt32("Recoveries") ?? 0, e.GetInt32("TestRuns") ?? 0, e.GetInt32("ApprovalAsks") ?? 0);
            list.Add(new DailyRollup(ParseDate(e.PartitionKey), name, facts, counts, e.GetDateTimeOffset("ComputedAt") ?? DateTimeOffset.MinValue, Revision(e)));
        }

        return list;
    }

    public async Task<IReadOnlyList<(DateOnly Date, DayRevision Revision)>> ListRevisionsAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        await TableOnce.EnsureAsync(table, () => _created, () => _created = true, cancellationToken);
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
        await TableOnce.EnsureAsync(table, () => _created, () => _created = true, cancellationToken);
        // Replace, unconditionally: every write gives the mark a new ETag, so a recompute that read the earlier one keeps it.
        await Parallel.ForEachAsync(dates.Distinct(), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (date, ct) =>
            await table.UpsertEntityAsync(
                new TableEntity(DateKey(date), IMetricsDailyStore.StaleRow) { ["MarkedAt"] = at, ["Reason"] = reason },
                TableUpdateMode.Replace,
                ct));
    }

    public async Task<IReadOnlyList<StaleDay>> ListStaleAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        await TableOnce.EnsureAsync(table, () => _created, () => _created = true, cancellationToken);
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
        await TableOnce.EnsureAsync(table, () => _created, () => _created = true, cancellationToken);
        try
        {
            await table.DeleteEntityAsync(DateKey(mark.Date), IMetricsDailyStore.StaleRow, new ETag(mark.Version), cancellationToken);
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

/// <summary>Table <c>MetricsReports</c>: partition = period kind, row = period label; the report as JSON.</summary>
public sealed class TableMetricsReportStore(TableClient table) : IMetricsReportStore
{
    private volatile bool _created;

    public async Task SaveAsync(MetricsReport report, CancellationToken cancellationToken = default)
    {
        await TableOnce.EnsureAsync(table, () => _created, () => _created = true, cancellationToken);
        var entity = new TableEntity(report.Kind.ToString(), report.Period)
        {
            ["GeneratedAt"] = report.GeneratedAt,
            ["DoraYear"] = report.DoraYear,
            ["From"] = report.From,
            ["To"] = report.To,
            ["Deployments"] = report.Overall.Deployments,
        };
        MetricsJson.Write(entity, "Report", report);
        // Merge keeps EmailedAt/EmailedTo of an earlier run.
        await table.UpsertEntityAsync(entity, TableUpdateMode.Merge, cancellationToken);
    }

    public async Task<StoredReport?> GetAsync(ReportPeriod period, CancellationToken cancellationToken = default)
    {
        await TableOnce.EnsureAsync(table, () => _created, () => _created = true, cancellationToken);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(period.Kind.ToString(), period.Label, cancellationToken: cancellationToken);
        if (!response.HasValue)
        {
            return null;
        }

        var e = response.Value!;
        return new StoredReport(
            MetricsJson.Read<MetricsReport>(e, "Report"),
            e.GetDateTimeOffset("EmailedAt"),
            e.GetString("EmailedTo") is { Length: > 0 } to ? to.Split(';') : []);
    }

    public async Task MarkEmailedAsync(ReportPeriod period, DateTimeOffset at, IReadOnlyList<string> to, CancellationToken cancellationToken = default)
    {
        await TableOnce.EnsureAsync(table, () => _created, () => _created = true, cancellationToken);
        await table.UpsertEntityAsync(
            new TableEntity(period.Kind.ToString(), period.Label) { ["EmailedAt"] = at, ["EmailedTo"] = string.Join(';', to) },
            TableUpdateMode.Merge,
            cancellationToken);
    }
}

/// <summary>Table <c>ReleaseHealth</c>: partition = release id, row = <c>{reading time}|{system}</c>.</summary>
public sealed class TableReleaseHealthStore(TableClient table) : IReleaseHealthStore
{
    private volatile bool _created;

    public async Task AddAsync(HealthReading reading, IReadOnlyDictionary<string, IReadOnlyList<string>> breachesBySystem, CancellationToken cancellationToken = default)
    {
        await TableOnce.EnsureAsync(table, () => _created, () => _created = true, cancellationToken);
        foreach (var s in reading.Systems)
        {
            var breaches = breachesBySystem.TryGetValue(s.System, out var b) ? b : [];
            var entity = new TableEntity(reading.ReleaseId, $"{reading.At.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}|{TableKeys.Encode(s.System)}")
            {
                ["System"] = s.System,
                ["At"] = reading.At,
                ["ErrorRatePercent"] = (double?)s.ErrorRatePercent,
                ["P95LatencyMilliseconds"] = s.P95LatencyMilliseconds,
                ["AvailabilityPercent"] = (double?)s.AvailabilityPercent,
                ["ExceptionCount"] = s.ExceptionCount,
                ["BaselineErrorRatePercent"] = (double?)s.BaselineErrorRatePercent,
                ["BaselineP95LatencyMilliseconds"] = s.BaselineP95LatencyMilliseconds,
                ["BaselineAvailabilityPercent"] = (double?)s.BaselineAvailabilityPercent,
                ["BaselineExceptionCount"] = s.BaselineExceptionCount,
                ["Partial"] = reading.Partial,
                ["Error"] = reading.Error,
                ["Breached"] = breaches.Count > 0,
                ["Breaches"] = string.Join("\n", breaches),
            };
            await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        }
    }

    public async Task<IReadOnlyList<StoredHealth>> ListAsync(string releaseId, CancellationToken cancellationToken = default)
    {
        await TableOnce.EnsureAsync(table, () => _created, () => _created = true, cancellationToken);
        var list = new List<StoredHealth>();
        await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {releaseId}"), cancellationToken: cancellationToken))
        {
            static decimal? D(double? v) => v is { } x ? (decimal)x : null;
            var health = new SystemHealth(
                e.GetString("System")!, D(e.GetDouble("ErrorRatePercent")), e.GetInt32("P95LatencyMilliseconds"), D(e.GetDouble("AvailabilityPercent")),
                e.GetInt64("ExceptionCount"), D(e.GetDouble("BaselineErrorRatePercent")), e.GetInt32("BaselineP95LatencyMilliseconds"),
                D(e.GetDouble("BaselineAvailabilityPercent")), e.GetInt64("BaselineExceptionCount"));
            list.Add(new StoredHealth(
                releaseId, e.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue, health, e.GetBoolean("Partial") ?? false, e.GetString("Error"),
                e.GetString("Breaches") is { Length: > 0 } br ? br.Split('\n') : []));
        }

        return list.OrderBy(h => h.At).ThenBy(h => h.Health.System, StringComparer.Ordinal).ToList();
    }
}

/// <summary>Releases in their watch, from table <c>Releases</c> (written by the orchestration): Phase PostRelease, Status Active.</summary>
public sealed class TableReleaseWatchList(TableServiceClient service) : IReleaseWatchList
{
    private readonly TableClient _table = service.GetTableClient(TableNames.Releases);
    private volatile bool _created;

    public async Task<IReadOnlyList<ReleaseRecord>> ListInWatchAsync(CancellationToken cancellationToken = default)
    {
        await TableOnce.EnsureAsync(_table, () => _created, () => _created = true, cancellationToken);
        var filter = TableClient.CreateQueryFilter($"RowKey eq {TableReleaseStore.RowKey} and Phase eq {nameof(ReleasePhase.PostRelease)} and Status eq {nameof(ReleaseStatus.Active)}");
        var list = new List<ReleaseRecord>();
        await foreach (var e in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            list.Add(TableReleaseStore.FromEntity(e));
        }

        return list;
    }
}
