using ReleaseManagement.Metrics;

namespace ReleaseManagement.Ports;

/// <summary>The weekly, monthly and quarterly reports (table <c>MetricsReports</c>): partition = kind, row = period label.</summary>
public interface IMetricsReportStore
{
    /// <summary>Stores the report, replacing an earlier one of the same period but keeping its emailed state.</summary>
    Task SaveAsync(MetricsReport report, CancellationToken cancellationToken = default);

    Task<StoredReport?> GetAsync(ReportPeriod period, CancellationToken cancellationToken = default);

    Task MarkEmailedAsync(ReportPeriod period, DateTimeOffset at, IReadOnlyList<string> to, CancellationToken cancellationToken = default);
}
