using Azure.Data.Tables;
using ReleaseManagement.Azure.Events;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Metrics;

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
