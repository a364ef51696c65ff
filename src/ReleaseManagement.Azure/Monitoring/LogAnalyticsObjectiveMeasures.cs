using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReleaseManagement.Objectives;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Azure.Monitoring;

/// <summary>
/// Business objectives' measures from the Log Analytics workspace (<see cref="MonitoringOptions.Objectives"/>: one KQL
/// template per measure). Whatever stops a value (no workspace, no template, a failed query, no row, a null value) is a
/// measurement without value that says why: the objective's verdict is then "missing data", never "met". A workspace that
/// does not answer is an outage, not missing data: the measurement says so and the checkpoint waits for the next run.
/// </summary>
public sealed partial class LogAnalyticsObjectiveMeasures(
    LogAnalyticsQueryClient client, IOptions<MonitoringOptions> options, ILogger<LogAnalyticsObjectiveMeasures> logger) : IObjectiveMeasures
{
    public async Task<ObjectiveMeasurement> MeasureAsync(string measure, ReleaseRequest release, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(release);
        var o = options.Value;
        if (!o.IsConfigured)
        {
            return new(null, "monitoring is not configured (Monitoring:WorkspaceId is empty)");
        }

        if (!o.Objectives.TryGetValue(measure, out var template) || string.IsNullOrWhiteSpace(template))
        {
            return new(null, $"no query is configured for the measure (app setting Monitoring__Objectives__{measure})");
        }

        var roles = "dynamic([" + string.Join(", ", release.Systems.Select(s => HealthQueryTemplates.Literal(HealthQueryTemplates.RoleName(o, s)))) + "])";
        var query = template
            .Replace("{start}", HealthQueryTemplates.Datetime(from), StringComparison.Ordinal)
            .Replace("{end}", HealthQueryTemplates.Datetime(to), StringComparison.Ordinal)
            .Replace("{roles}", roles, StringComparison.Ordinal);
        try
        {
            var response = await client.QueryWorkspaceAsync(o.WorkspaceId, query, new QueryTimeRange(from, to),
                new LogsQueryOptions { ServerTimeout = o.ServerTimeout }, cancellationToken);
            var table = response.Value.AllTables.FirstOrDefault();
            var value = table is { Rows.Count: > 0 } ? table.Rows[0].GetDouble("value") : null;
            return value is { } v && double.IsFinite(v)
                ? new((decimal)Math.Round(v, 6, MidpointRounding.AwayFromZero), null)
                : new(null, "the query returned no value for the period");
        }
        catch (RequestFailedException e)
        {
            LogFailed(logger, measure, release.Id, e.Status, e);
            // An outage (no answer, 408, 429, 5xx after the client's retries) is waited out: measured again on the next run.
            return new(null, $"the query failed ({e.Status} {e.ErrorCode})") { Unavailable = LogAnalyticsHealthMonitor.Unavailable(e) };
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The objective measure {Measure} of release {ReleaseId} failed with {Status}")]
    private static partial void LogFailed(ILogger logger, string measure, string releaseId, int status, Exception exception);
}
