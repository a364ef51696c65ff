namespace ReleaseManagement.Azure.Metrics;

/// <summary>The metrics tables.</summary>
public static class MetricsTableNames
{
    public const string ReleaseHealth = "ReleaseHealth";
    public const string MetricsDaily = "MetricsDaily";
    public const string MetricsReports = "MetricsReports";
}
