using Azure;
using Azure.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Monitoring;

/// <summary>
/// <see cref="IReleaseHealthMonitor"/> on Log Analytics: one batched query per call (<see cref="HealthQueryTemplates.Build"/>)
/// over the span from the earliest baseline start to the latest window end. Service failures do not throw: the reading
/// carries the error and null values, marked partial; except that the single reading of <see cref="QueryAsync(HealthQuery, CancellationToken)"/>
/// throws while the service is unavailable (docs/architecture.md, "Outages").
/// </summary>
public sealed partial class LogAnalyticsHealthMonitor(
    LogAnalyticsQueryClient client, IOptions<MonitoringOptions> options, TimeProvider time, ILogger<LogAnalyticsHealthMonitor> logger) : IReleaseHealthMonitor
{
    public static LogAnalyticsQueryClient CreateClient(MonitoringOptions options, TimeProvider time)
    {
        var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions
        {
            ManagedIdentityClientId = string.IsNullOrWhiteSpace(options.ClientId) ? null : options.ClientId,
        });
        return new LogAnalyticsQueryClient(new Uri(options.Endpoint), credential, new LogAnalyticsQueryClientOptions { MaxRetries = options.MaxRetries, TimeProvider = time });
    }

    /// <summary>
    /// One release's reading (the post-deployment validation's, through the <c>CheckReleaseHealth</c> activity). Unlike
    /// <see cref="QueryManyAsync"/> it throws when the service is unavailable (no answer, or 408, 429 or 5xx after the
    /// client's own retries), so the lifecycle waits the outage out (<c>EffectGuard</c>) instead of judging a reading the
    /// outage emptied; any other failure is a reading that carries the error (missing data).
    /// </summary>
    public async Task<HealthReading> QueryAsync(HealthQuery query, CancellationToken cancellationToken = default) =>
        (await QueryAsync([query], throwWhenUnavailable: true, cancellationToken))[0];

    public Task<IReadOnlyList<HealthReading>> QueryManyAsync(IReadOnlyList<HealthQuery> queries, CancellationToken cancellationToken = default) =>
        QueryAsync(queries, throwWhenUnavailable: false, cancellationToken);

    /// <summary>Whether a failed query says the service is unavailable for now rather than that the query is wrong.</summary>
    public static bool Unavailable(RequestFailedException e) => e.Status is 0 or 408 or 429 or >= 500;

    private async Task<IReadOnlyList<HealthReading>> QueryAsync(IReadOnlyList<HealthQuery> queries, bool throwWhenUnavailable, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (queries.Count == 0)
        {
            return [];
        }

        var o = options.Value;
        if (!o.IsConfigured)
        {
            return queries.Select(q => Empty(q, now, "Monitoring is not configured (Monitoring:WorkspaceId is empty).")).ToList();
        }

        var range = new QueryTimeRange(queries.Min(q => q.BaselineStart), queries.Max(q => q.WindowEnd));
        LogLogsQueryResult result;
        try
        {
            var response = await client.QueryWorkspaceAsync(
                o.WorkspaceId, HealthQueryTemplates.Build(o, queries), range,
                new LogsQueryOptions { ServerTimeout = o.ServerTimeout, AllowPartialErrors = true }, cancellationToken);
            result = new LogLogsQueryResult(response.Value);
        }
        catch (RequestFailedException e)
        {
            LogQueryFailed(logger, queries.Count, e.Status, e.ErrorCode, e);
            if (throwWhenUnavailable && Unavailable(e))
            {
                throw new InvalidOperationException($"The health source is unavailable ({e.Status} {e.ErrorCode}): {e.Message}", e);
            }

            return queries.Select(q => Empty(q, now, $"The monitoring query failed ({e.Status} {e.ErrorCode}): {e.Message}")).ToList();
        }

        var values = new Dictionary<(string, string, string, string), double?>();
        if (result.Value.AllTables.Count > 0)
        {
            foreach (var row in result.Value.AllTables[0].Rows)
            {
                values[(row.GetString("ReleaseId") ?? "", (row.GetString("System") ?? "").ToUpperInvariant(), row.GetString("Metric") ?? "", row.GetString("Window") ?? "")] =
                    row.GetDouble("Value") is { } v && double.IsFinite(v) ? v : null;
            }
        }

        double? V(HealthQuery q, string system, string metric, string window) =>
            values.TryGetValue((q.ReleaseId, system.ToUpperInvariant(), metric, window), out var v) ? v : null;

        var error = result.Value.Error is { } err ? $"{err.Code}: {err.Message}" : null;
        return queries.Select(q => new HealthReading(
            q.ReleaseId,
            now,
            q.Systems.Distinct(StringComparer.OrdinalIgnoreCase).Select(s => new SystemHealth(
                s,
                Dec(V(q, s, HealthQueryTemplates.ErrorRate, HealthQueryTemplates.ReleaseWindow)),
                Int(V(q, s, HealthQueryTemplates.P95DurationMs, HealthQueryTemplates.ReleaseWindow)),
                Dec(V(q, s, HealthQueryTemplates.Availability, HealthQueryTemplates.ReleaseWindow)),
                Long(V(q, s, HealthQueryTemplates.ExceptionCount, HealthQueryTemplates.ReleaseWindow)),
                Dec(V(q, s, HealthQueryTemplates.ErrorRate, HealthQueryTemplates.BaselineWindow)),
                Int(V(q, s, HealthQueryTemplates.P95DurationMs, HealthQueryTemplates.BaselineWindow)),
                Dec(V(q, s, HealthQueryTemplates.Availability, HealthQueryTemplates.BaselineWindow)),
                Long(V(q, s, HealthQueryTemplates.ExceptionCount, HealthQueryTemplates.BaselineWindow)))).ToList(),
            error is not null,
            error)).ToList();
    }

    private sealed record LogLogsQueryResult(LogsQueryResult Value);

    private static HealthReading Empty(HealthQuery q, DateTimeOffset at, string error) =>
        new(q.ReleaseId, at, q.Systems.Select(s => new SystemHealth(s, null, null, null, null, null, null)).ToList(), true, error);

    private static decimal? Dec(double? v) => v is { } x ? Math.Round((decimal)x, 3, MidpointRounding.AwayFromZero) : null;

    private static int? Int(double? v) => v is { } x ? (int)Math.Round(x, MidpointRounding.AwayFromZero) : null;

    private static long? Long(double? v) => v is { } x ? (long)Math.Round(x, MidpointRounding.AwayFromZero) : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "The health query for {Count} releases failed with {Status} {ErrorCode}")]
    private static partial void LogQueryFailed(ILogger logger, int count, int status, string? errorCode, Exception exception);
}
