using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ReleaseManagement.Azure.Metrics;
using ReleaseManagement.Azure.Monitoring;
using ReleaseManagement.Azure.Storage;
using ReleaseManagement.Azure.Tables;
using ReleaseManagement.Metrics;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Api.Metrics;

/// <summary>Registers monitoring and metrics: options, the Log Analytics client and health monitor, the metrics tables, jobs and handlers.</summary>
public static class MetricsExtensions
{
    public static IServiceCollection AddMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MonitoringOptions>()
            .Bind(configuration.GetSection(MonitoringOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => Uri.TryCreate(o.Endpoint, UriKind.Absolute, out var u) && u.Scheme == Uri.UriSchemeHttps, "Monitoring:Endpoint must be an absolute https URL.")
            .Validate(o => o.Queries.Keys.Concat(o.Systems.Values.SelectMany(s => s.Queries.Keys)).All(k => HealthQueryTemplates.Metrics.Contains(k, StringComparer.OrdinalIgnoreCase)),
                $"Monitoring query templates must be named {string.Join(", ", HealthQueryTemplates.Metrics)}.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Canary.Dimension), "Monitoring:Canary:Dimension must be a KQL expression (e.g. AppVersion).")
            .Validate(o => o.Canary.SampleSize is >= CanaryTelemetryOptions.MinSampleSize and <= CanaryTelemetryOptions.MaxSampleSize,
                $"Monitoring:Canary:SampleSize must be between {CanaryTelemetryOptions.MinSampleSize} and {CanaryTelemetryOptions.MaxSampleSize}.")
            .Validate(o => o.Canary.Queries.Keys.All(k => CanaryQueryTemplates.Names.Contains(k, StringComparer.OrdinalIgnoreCase)),
                $"Monitoring canary query templates must be named {string.Join(", ", CanaryQueryTemplates.Names)}.")
            .ValidateOnStart();
        services.AddOptions<MetricsOptions>()
            .Bind(configuration.GetSection(MetricsOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.TryAddSingleton(sp => LogAnalyticsHealthMonitor.CreateClient(sp.GetRequiredService<IOptions<MonitoringOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IReleaseHealthMonitor, LogAnalyticsHealthMonitor>();
        services.TryAddSingleton<ICanaryTelemetry, LogAnalyticsCanaryTelemetry>();
        services.TryAddSingleton<IObjectiveMeasures, LogAnalyticsObjectiveMeasures>();
        services.TryAddSingleton<IObjectiveStore>(sp => new TableObjectiveStore(sp.GetRequiredService<StorageClients>().Tables));
        services.TryAddSingleton<ReleaseManagement.Objectives.ObjectiveService>();

        TableClientFor<IMetricsDailyStore>(services, MetricsTableNames.MetricsDaily, t => new TableMetricsDailyStore(t));
        TableClientFor<IMetricsReportStore>(services, MetricsTableNames.MetricsReports, t => new TableMetricsReportStore(t));
        TableClientFor<IReleaseHealthStore>(services, MetricsTableNames.ReleaseHealth, t => new TableReleaseHealthStore(t));
        services.TryAddSingleton<IReleaseWatchList>(sp => new TableReleaseWatchList(sp.GetRequiredService<StorageClients>().Tables));
        services.TryAddSingleton<IApprovalHistory>(sp => new TableApprovalHistory(sp.GetRequiredService<StorageClients>().Tables));
        services.WarmUpAtStart<IMetricsDailyStore>().WarmUpAtStart<IMetricsReportStore>().WarmUpAtStart<IReleaseHealthStore>().WarmUpAtStart<IApprovalHistory>();

        services.TryAddSingleton<LateEventMarker>();
        services.TryAddSingleton<MetricsService>();
        services.TryAddSingleton<MetricsJobs>();
        services.TryAddSingleton<MetricsHandlers>();
        return services;
    }

    private static void TableClientFor<T>(IServiceCollection services, string table, Func<global::Azure.Data.Tables.TableClient, T> create)
        where T : class =>
        services.TryAddSingleton(sp => create(sp.GetRequiredService<StorageClients>().Tables.GetTableClient(table)));
}
