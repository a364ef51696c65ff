using Azure.Data.Tables;
using ReleaseManagement.Azure.Tables;
using ReleaseManagement.Metrics;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Metrics;

/// <summary>Table <c>MetricsReports</c>: partition = period kind, row = period label; the report as JSON.</summary>
public sealed class TableMetricsReportStore(TableClient table) : IMetricsReportStore, IStorageWarmUp
{
    private readonly FirstUse _created = new();

    /// <inheritdoc/>
    public Task WarmUpAsync(CancellationToken cancellationToken) => _created.EnsureTableAsync(table, cancellationToken);

    public async Task SaveAsync(MetricsReport report, CancellationToken cancellationToken = default)
    {
        await _created.EnsureTableAsync(table, cancellationToken);
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
        await _created.EnsureTableAsync(table, cancellationToken);
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
        await _created.EnsureTableAsync(table, cancellationToken);
        await table.UpsertEntityAsync(
            new TableEntity(period.Kind.ToString(), period.Label) { ["EmailedAt"] = at, ["EmailedTo"] = string.Join(';', to) },
            TableUpdateMode.Merge,
            cancellationToken);
    }
}
