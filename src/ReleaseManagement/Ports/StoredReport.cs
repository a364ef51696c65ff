using ReleaseManagement.Metrics;

namespace ReleaseManagement.Ports;

/// <summary>A stored report and whether it was emailed.</summary>
public sealed record StoredReport(MetricsReport Report, DateTimeOffset? EmailedAt, IReadOnlyList<string> EmailedTo);
