using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using ReleaseManagement.Events;
using ReleaseManagement.Metrics;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api.Metrics;

/// <summary>What one post-release monitor run did: the releases whose reading crossed the thresholds of the policy they run
/// under, those the reading was raised to (every release that took it), and those not read at all because the policy they
/// run under cannot be read (each logged as an error).</summary>
public sealed record MonitorRun(int Releases, int Readings, IReadOnlyList<string> Breached, IReadOnlyList<string> Raised, IReadOnlyList<string> Unreadable);

/// <summary>
/// The scheduled work, shared by the Functions timer triggers and the local host's scheduler: the post-release monitor,
/// the daily rollup (with the business objectives due) and the weekly, monthly and quarterly reports.
/// </summary>
public sealed partial class MetricsJobs(
    IReleaseWatchList watch,
    IPipelineEventStore events,
    IReleaseHealthMonitor monitor,
    IReleaseHealthStore health,
    IMetricsReportStore reports,
    IEmailSender email,
    MetricsService metrics,
    ReleasePolicies policies,
    TimeProvider time,
    ILogger<MetricsJobs> logger,
    ReleaseManagement.Objectives.ObjectiveService objectives)
{
    /// <summary>
    /// The one watch path. Releases in their watch get one batched health query for all of them (window
    /// <see cref="HealthWindow.For"/> from the release's latest successful production deployment, else its last status
    /// change); each reading is stored in <c>ReleaseHealth</c> with the breaches and a verdict per system of the release
    /// (<see cref="HealthVerdicts"/>: a system without data is stored as missing data) by the policy the release runs under
    /// (<see cref="ReleasePolicies"/>), and raised to its release as <see cref="ReleaseEventNames.Health"/>, breach or not:
    /// the release judges it with that same policy, and ends its watch on its own timer.
    /// </summary>
    public async Task<MonitorRun> RunPostReleaseMonitorAsync(DurableTaskClient durable, CancellationToken cancellationToken = default)
    {
        // Phase PostRelease also holds a hotfix's review and the last notices, after the watch: those are not read.
        var releases = (await watch.ListInWatchAsync(cancellationToken)).Where(r => !ReleaseStages.IsPastWatch(r.Stage)).ToList();
        if (releases.Count == 0)
        {
            return new MonitorRun(0, 0, [], [], []);
        }

        // A release whose policy snapshot is missing or damaged cannot be judged by the policy it runs under: it is left
        // out of this run (its watch then goes without this reading and says so) and named in the log, while every other
        // release is read as usual. One such release used to throw and so stop the monitor for all of them.
        var unreadable = new System.Collections.Concurrent.ConcurrentDictionary<string, Exception>(StringComparer.Ordinal);
        var policyOf = await policies.ForAllAsync(releases, (release, e) => unreadable[release.Request.Id] = e, cancellationToken);
        foreach (var (id, e) in unreadable)
        {
            LogPolicyUnreadable(logger, id, e);
        }

        releases = [.. releases.Where(r => !unreadable.ContainsKey(r.Request.Id))];
        if (releases.Count == 0)
        {
            return new MonitorRun(0, 0, [], [], [.. unreadable.Keys.Order(StringComparer.Ordinal)]);
        }

        var now = time.GetUtcNow();
        var queries = new List<HealthQuery>();
        foreach (var release in releases)
        {
            var deployedAt = (await events.ListByReleaseAsync(release.Request.Id, cancellationToken))
                .Select(s => s.Event)
                .Where(e => e.Type == CanonicalEventType.ServiceDeployed && e.Outcome == EventOutcomes.Success
                    && string.Equals(e.Environment, "production", StringComparison.OrdinalIgnoreCase) && e.OccurredAt <= now)
                .Select(e => (DateTimeOffset?)e.OccurredAt).Max() ?? release.UpdatedAt;
            queries.Add(HealthWindow.For(release.Request.Id, release.Request.Systems, deployedAt, now));
        }

        var readings = await monitor.QueryManyAsync(queries, cancellationToken);
        var breached = new List<string>();
        var raised = new List<string>();
        var systems = queries.ToDictionary(q => q.ReleaseId, q => q.Systems, StringComparer.Ordinal);
        foreach (var reading in readings)
        {
            // Stored with a verdict per system: a system without data is stored as MissingData, never as healthy.
            var policy = policyOf.GetValueOrDefault(reading.ReleaseId) ?? policies.Current;
            var breaches = HealthBreaches.Evaluate(policy, reading);
            await health.AddAsync(HealthVerdicts.Judge(policy, reading, systems.GetValueOrDefault(reading.ReleaseId, [])), cancellationToken);
            if (breaches.Count > 0)
            {
                breached.Add(reading.ReleaseId);
                LogBreach(logger, reading.ReleaseId, string.Join("; ", breaches.Select(b => $"{b.Key}: {string.Join(", ", b.Value)}")));
            }

            try
            {
                await durable.RaiseEventAsync(reading.ReleaseId, ReleaseEventNames.Health, reading, cancellationToken);
                raised.Add(reading.ReleaseId);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRaiseFailed(logger, reading.ReleaseId, e);
            }
        }

        return new MonitorRun(releases.Count, readings.Count, breached, raised, [.. unreadable.Keys.Order(StringComparer.Ordinal)]);
    }

    /// <summary>
    /// The daily rollup, then the business objectives whose checkpoints are due (<see cref="ReleaseManagement.Objectives.ObjectiveService"/>:
    /// they read the deployments of the days just rolled up). Returns the days rolled up.
    /// </summary>
    public async Task<int> RunDailyRollupAsync(CancellationToken cancellationToken = default)
    {
        var days = await metrics.RunDailyRollupAsync(cancellationToken);
        await objectives.RunDueAsync(cancellationToken);
        return days;
    }

    /// <summary>The report of the last complete period of <paramref name="kind"/>: built from the rollups, stored, and emailed once.</summary>
    public async Task<MetricsReport> RunReportAsync(PeriodKind kind, CancellationToken cancellationToken = default)
    {
        var period = metrics.LastCompletePeriod(kind);
        var report = await metrics.GenerateAsync(period, cancellationToken);
        var stored = await reports.GetAsync(period, cancellationToken);
        if (stored?.EmailedAt is not null)
        {
            LogAlreadyEmailed(logger, period.Label);
            return report;
        }

        var recipients = ReportRecipients.Resolve(metrics.Policy);
        if (recipients.Count == 0)
        {
            LogNoRecipients(logger, period.Label);
            return report;
        }

        await email.SendAsync(new EmailMessage(recipients, ReportRenderer.Subject(report), ReportRenderer.Html(report), ReportRenderer.Text(report)), cancellationToken);
        await reports.MarkEmailedAsync(period, time.GetUtcNow(), recipients, cancellationToken);
        return report;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Release {ReleaseId} crossed its post-release thresholds: {Breaches}")]
    private static partial void LogBreach(ILogger logger, string releaseId, string breaches);

    [LoggerMessage(Level = LogLevel.Error, Message = "Release {ReleaseId} was not read by the post-release monitor: the policy it runs under cannot be read")]
    private static partial void LogPolicyUnreadable(ILogger logger, string releaseId, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not raise the health reading to release {ReleaseId}")]
    private static partial void LogRaiseFailed(ILogger logger, string releaseId, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "The {Period} report was emailed before; stored again, not emailed")]
    private static partial void LogAlreadyEmailed(ILogger logger, string period);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Period} report has no recipients (policy reportRecipients resolve to nobody); stored only")]
    private static partial void LogNoRecipients(ILogger logger, string period);
}
