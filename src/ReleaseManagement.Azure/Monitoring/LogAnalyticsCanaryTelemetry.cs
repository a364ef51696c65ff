using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReleaseManagement.Analysis;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Monitoring;

/// <summary>
/// <see cref="ICanaryTelemetry"/> on Log Analytics: one query per checkpoint (<see cref="CanaryQueryTemplates.Build"/>)
/// over the window, reading each side's sampled request durations, request and failure counts and exception count,
/// split by <see cref="CanaryTelemetryOptions.Dimension"/>. A workspace that does not answer (no answer, or 408, 429 or
/// 5xx after the client's retries) is <see cref="CanaryReadingStatus.Unavailable"/>; anything else that leaves nothing to
/// judge (not configured, a refused or partial query, no request on a side) is <see cref="CanaryReadingStatus.NoData"/>,
/// saying why. Never throws for either.
/// </summary>
public sealed partial class LogAnalyticsCanaryTelemetry(
    LogAnalyticsQueryClient client, IOptions<MonitoringOptions> options, ILogger<LogAnalyticsCanaryTelemetry> logger) : ICanaryTelemetry
{
    public async Task<CanaryReading> ReadAsync(CanaryQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var o = options.Value;
        if (!o.IsConfigured)
        {
            return new(CanaryReadingStatus.NoData, null, null, "Monitoring is not configured (Monitoring:WorkspaceId is empty).");
        }

        LogsQueryResult result;
        try
        {
            // A partial answer (an error, or a range narrowed after a timeout) throws: half a window would bias the comparison.
            var response = await client.QueryWorkspaceAsync(o.WorkspaceId, CanaryQueryTemplates.Build(o, query), new QueryTimeRange(query.Start, query.End),
                new LogsQueryOptions { ServerTimeout = o.ServerTimeout }, ct);
            result = response.Value;
        }
        catch (RequestFailedException e)
        {
            LogQueryFailed(logger, query.ReleaseId, query.System, e.Status, e.ErrorCode, e);
            return LogAnalyticsHealthMonitor.Unavailable(e)
                ? new(CanaryReadingStatus.Unavailable, null, null, $"The monitoring service is unavailable ({e.Status} {e.ErrorCode}).")
                : new(CanaryReadingStatus.NoData, null, null, $"The canary query failed ({e.Status} {e.ErrorCode}): {e.Message}");
        }

        var canary = new Side();
        var baseline = new Side();
        foreach (var row in result.AllTables.FirstOrDefault()?.Rows ?? [])
        {
            var side = row.GetString("Side") switch
            {
                CanaryQueryTemplates.CanarySide => canary,
                CanaryQueryTemplates.BaselineSide => baseline,
                _ => null,
            };
            if (side is not null && row.GetDouble("Value") is { } value && double.IsFinite(value))
            {
                side.Add(row.GetString("Metric"), value);
            }
        }

        if ((Missing(canary, "canary", query.CanaryLabel) ?? Missing(baseline, "baseline", query.BaselineLabel)) is { } why)
        {
            return new(CanaryReadingStatus.NoData, null, null, why);
        }

        return new(CanaryReadingStatus.Complete, baseline.Sample(), canary.Sample(),
            $"Sampled {canary.Durations.Count} canary and {baseline.Durations.Count} baseline request durations (at most {o.Canary.SampleSize} a side).");
    }

    private static string? Missing(Side side, string name, string label) => side.Requests is null or 0
        ? $"No request of the {name} ({label}) in the window."
        : null;

    /// <summary>One side's values as the rows give them.</summary>
    private sealed class Side
    {
        public List<double> Durations { get; } = [];

        public List<double> UserActions { get; } = [];

        public long? Requests { get; private set; }

        public long Failures { get; private set; }

        public long Exceptions { get; private set; }

        public void Add(string? metric, double value)
        {
            switch (metric)
            {
                case CanaryQueryTemplates.Durations: Durations.Add(value); break;
                case CanaryQueryTemplates.UserActions: UserActions.Add(value); break;
                case CanaryQueryTemplates.Requests: Requests = (Requests ?? 0) + Count(value); break;
                case CanaryQueryTemplates.Failures: Failures += Count(value); break;
                case CanaryQueryTemplates.Exceptions: Exceptions += Count(value); break;
                default: break;
            }
        }

        public CanarySample Sample() => new(Durations, Requests ?? 0, Failures, Exceptions, UserActions);

        private static long Count(double value) => (long)Math.Round(value, MidpointRounding.AwayFromZero);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The canary query of release {ReleaseId} system {System} failed with {Status} {ErrorCode}")]
    private static partial void LogQueryFailed(ILogger logger, string releaseId, string system, int status, string? errorCode, Exception exception);
}
