using Azure.Data.Tables;
using ReleaseManagement.Azure.Events;
using ReleaseManagement.Azure.Tables;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Metrics;

/// <summary>Table <c>ReleaseHealth</c>: partition = release id, row = <c>{reading time}|{system}</c>, with its verdict (<c>Verdict</c>).</summary>
public sealed class TableReleaseHealthStore(TableClient table) : IReleaseHealthStore, IStorageWarmUp
{
    private readonly FirstUse _created = new();

    /// <inheritdoc/>
    public Task WarmUpAsync(CancellationToken cancellationToken) => _created.EnsureTableAsync(table, cancellationToken);

    public async Task AddAsync(IReadOnlyList<StoredHealth> rows, CancellationToken cancellationToken = default)
    {
        await _created.EnsureTableAsync(table, cancellationToken);
        foreach (var row in rows)
        {
            var (s, breaches) = (row.Health, row.Breaches);
            var entity = new TableEntity(row.ReleaseId, $"{row.At.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}|{TableKeys.Encode(s.System)}")
            {
                ["System"] = s.System,
                ["At"] = row.At,
                ["ErrorRatePercent"] = (double?)s.ErrorRatePercent,
                ["P95LatencyMilliseconds"] = s.P95LatencyMilliseconds,
                ["AvailabilityPercent"] = (double?)s.AvailabilityPercent,
                ["ExceptionCount"] = s.ExceptionCount,
                ["BaselineErrorRatePercent"] = (double?)s.BaselineErrorRatePercent,
                ["BaselineP95LatencyMilliseconds"] = s.BaselineP95LatencyMilliseconds,
                ["BaselineAvailabilityPercent"] = (double?)s.BaselineAvailabilityPercent,
                ["BaselineExceptionCount"] = s.BaselineExceptionCount,
                ["Partial"] = row.Partial,
                ["Error"] = row.Error,
                ["Breached"] = breaches.Count > 0,
                ["Breaches"] = string.Join("\n", breaches),
                ["Verdict"] = row.Verdict.ToString(),
            };
            await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        }
    }

    public async Task<IReadOnlyList<StoredHealth>> ListAsync(string releaseId, CancellationToken cancellationToken = default)
    {
        await _created.EnsureTableAsync(table, cancellationToken);
        var list = new List<StoredHealth>();
        await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {releaseId}"), cancellationToken: cancellationToken))
        {
            static decimal? D(double? v) => v is { } x ? (decimal)x : null;
            var health = new SystemHealth(
                e.GetString("System")!, D(e.GetDouble("ErrorRatePercent")), e.GetInt32("P95LatencyMilliseconds"), D(e.GetDouble("AvailabilityPercent")),
                e.GetInt64("ExceptionCount"), D(e.GetDouble("BaselineErrorRatePercent")), e.GetInt32("BaselineP95LatencyMilliseconds"),
                D(e.GetDouble("BaselineAvailabilityPercent")), e.GetInt64("BaselineExceptionCount"));
            var (at, partial, error) = (e.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue, e.GetBoolean("Partial") ?? false, e.GetString("Error"));
            IReadOnlyList<string> breaches = e.GetString("Breaches") is { Length: > 0 } br ? br.Split('\n') : [];
            // Every row is stored with its verdict (AddAsync): a row without one is not this store's, and is refused loudly.
            var verdict = Enum.TryParse<HealthVerdict>(e.GetString("Verdict"), ignoreCase: false, out var v) && Enum.IsDefined(v)
                ? v
                : throw new InvalidDataException(
                    $"Table {table.Name}: row '{e.PartitionKey}/{e.RowKey}' has no valid Verdict ('{e.GetString("Verdict")}'); every health row is stored with its verdict.");
            list.Add(new StoredHealth(releaseId, at, health, partial, error, breaches, verdict));
        }

        return list.OrderBy(h => h.At).ThenBy(h => h.Health.System, StringComparer.Ordinal).ToList();
    }
}
