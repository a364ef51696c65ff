using System.Net;
using Microsoft.Extensions.Logging;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Activities;

/// <summary>Asks the pipeline to deploy or roll back. Idempotent as far as the pipeline honours the request id.</summary>
public sealed class RequestDeployment(IDeploymentPipeline pipeline)
{
    public async Task<bool> RunAsync(DeploymentRequest request, CancellationToken cancellationToken = default)
    {
        await pipeline.RequestAsync(request, cancellationToken);
        return true;
    }
}

/// <summary>Input of <see cref="CheckReleaseHealth"/>: the query, and the thresholds each system must meet.</summary>
public sealed record HealthCheckInput(HealthQuery Query, IReadOnlyDictionary<string, PerformanceThresholds> Thresholds);

/// <summary>A health check's result: the reading and every threshold it breached (empty when healthy or no data).</summary>
public sealed record HealthCheckResult(HealthReading Reading, IReadOnlyList<string> Breaches)
{
    public bool Breached => Breaches.Count > 0;
}

/// <summary>Queries health through the monitoring port and compares it with the policy's thresholds. Read-only: safe to retry.</summary>
public sealed class CheckReleaseHealth(IReleaseHealthMonitor monitor)
{
    public async Task<HealthCheckResult> RunAsync(HealthCheckInput input, CancellationToken cancellationToken = default)
    {
        var reading = await monitor.QueryAsync(input.Query, cancellationToken);
        return new HealthCheckResult(reading, HealthEvaluator.Breaches(reading, input.Thresholds));
    }
}

/// <summary>Pure comparison of a reading with thresholds.</summary>
public static class HealthEvaluator
{
    public static IReadOnlyList<string> Breaches(HealthReading reading, IReadOnlyDictionary<string, PerformanceThresholds> thresholds)
    {
        var breaches = new List<string>();
        foreach (var system in reading.Systems)
        {
            if (!thresholds.TryGetValue(system.System, out var limit))
            {
                continue;
            }

            if (system.ErrorRatePercent is { } rate && rate > limit.MaxErrorRatePercent)
            {
                breaches.Add($"{system.System}: error rate {rate:0.##} % exceeds {limit.MaxErrorRatePercent:0.##} %" +
                    (system.BaselineErrorRatePercent is { } b ? $" (baseline {b:0.##} %)" : string.Empty));
            }

            if (system.P95LatencyMilliseconds is { } p95 && p95 > limit.MaxP95LatencyMilliseconds)
            {
                breaches.Add($"{system.System}: p95 latency {p95} ms exceeds {limit.MaxP95LatencyMilliseconds} ms" +
                    (system.BaselineP95LatencyMilliseconds is { } b ? $" (baseline {b} ms)" : string.Empty));
            }
        }

        return breaches;
    }
}

/// <summary>A notice about a release (a communication of the timeline, a review reminder or escalation).</summary>
/// <param name="Recipients">Email addresses, already resolved from the policy's audiences and roles.</param>
public sealed record ReleaseNotice(string ReleaseId, string NoticeId, string Subject, string Text, IReadOnlyList<string> Recipients);

/// <summary>Emails a notice. At least once: a retry after a send whose completion was lost sends it again.</summary>
public sealed partial class SendReleaseNotice(IEmailSender email, ILogger<SendReleaseNotice> log)
{
    public async Task<int> RunAsync(ReleaseNotice notice, CancellationToken cancellationToken = default)
    {
        var to = notice.Recipients.Where(r => r.Contains('@')).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        if (to.Length == 0)
        {
            LogNobody(log, notice.NoticeId, notice.ReleaseId);
            return 0;
        }

        var html = $"<!DOCTYPE html><html><body><p>{WebUtility.HtmlEncode(notice.Text).Replace("\n", "<br>", StringComparison.Ordinal)}</p></body></html>";
        await email.SendAsync(new EmailMessage(to, notice.Subject, html, notice.Text), cancellationToken);
        LogSent(log, notice.NoticeId, notice.ReleaseId, to.Length);
        return to.Length;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notice {NoticeId} of release {ReleaseId} has no recipient with an email address; nothing sent")]
    private static partial void LogNobody(ILogger logger, string noticeId, string releaseId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notice {NoticeId} of release {ReleaseId} sent to {Count} recipients")]
    private static partial void LogSent(ILogger logger, string noticeId, string releaseId, int count);
}
