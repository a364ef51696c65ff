using ReleaseManagement.Approvals;
using ReleaseManagement.Metrics;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api.Dashboard;

/// <summary>Everything the release page shows, as the stores hold it.</summary>
public sealed record ReleaseDetail(
    ReleaseRecord Record,
    IReadOnlyList<TimelineEntry> Timeline,
    IReadOnlyList<StoredPipelineEvent> Events,
    IReadOnlyDictionary<string, IReadOnlyList<ApprovalDecisionRecord>> Decisions,
    IReadOnlyList<StoredHealth> Health);

/// <summary>
/// The dashboard's one coupling to the rest of the system: it reads the status projection and the stores through their
/// ports (never orchestration history) and hands plain data to the view builders. Nothing here writes.
/// </summary>
public sealed class DashboardReader(
    IReleaseStore releases,
    IPipelineEventStore events,
    IApprovalDecisionStore decisions,
    IReleaseHealthStore health,
    ReleasePolicy policy,
    TimeProvider time,
    MetricsService metrics)
{
    /// <summary>At most this many releases are read for the board (one query of the projection).</summary>
    public const int MaxReleases = 5000;

    /// <summary>How far back the environments matrix reads deployment events.</summary>
    public static readonly TimeSpan DeploymentLookback = TimeSpan.FromDays(180);

    public ReleasePolicy Policy => policy;

    public DisplayFormat Format { get; } = new(PolicyTime.Zone(policy));

    public DateTimeOffset Now => time.GetUtcNow();

    public IReadOnlyCollection<string> PolicySystems => policy.Systems.Keys.ToArray();

    /// <summary>Every stored release (the projection's rows only: no timeline), newest first.</summary>
    public Task<IReadOnlyList<ReleaseRecord>> ListReleasesAsync(CancellationToken cancellationToken) =>
        releases.ListAsync(new ReleaseQuery(Max: MaxReleases), cancellationToken);

    /// <summary>A release with its timeline, pipeline events, decisions per approval stage and health readings; null when unknown.</summary>
    public async Task<ReleaseDetail?> GetReleaseAsync(string releaseId, CancellationToken cancellationToken)
    {
        if (!ReleaseIds.IsValid(releaseId))
        {
            return null;
        }

        var record = await releases.GetAsync(releaseId, cancellationToken);
        if (record is null)
        {
            return null;
        }

        var stages = policy.ApprovalRulesFor(record.Request.Type).Select(r => r.Key)
            .Concat((record.PendingApprovals ?? []).Select(p => p.Stage))
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        var timeline = releases.GetTimelineAsync(releaseId, cancellationToken);
        var pipeline = events.ListByReleaseAsync(releaseId, cancellationToken);
        var readings = health.ListAsync(releaseId, cancellationToken);
        var decided = stages.Select(s => decisions.ListAsync(releaseId, s, cancellationToken)).ToArray();
        await Task.WhenAll([timeline, pipeline, readings, .. decided]);
        var byStage = new Dictionary<string, IReadOnlyList<ApprovalDecisionRecord>>(StringComparer.Ordinal);
        for (var i = 0; i < stages.Length; i++)
        {
            byStage[stages[i]] = decided[i].Result;
        }

        return new ReleaseDetail(record, timeline.Result, pipeline.Result, byStage, readings.Result);
    }

    /// <summary>The current month's and quarter's reports, computed as <c>GET /api/metrics</c> computes them (from the daily rollups).</summary>
    public async Task<IReadOnlyList<MetricsReport>> CurrentReportsAsync(CancellationToken cancellationToken)
    {
        var today = metrics.Today;
        // The quarter first: its trend window covers the month's, so the month then reads the day rollups the quarter has
        // just written. Built at once, both would roll up the same missing days (every day of a year on a new store).
        var quarter = await metrics.BuildReportAsync(ReportPeriod.Containing(PeriodKind.Quarter, today), cancellationToken: cancellationToken);
        var month = await metrics.BuildReportAsync(ReportPeriod.Containing(PeriodKind.Month, today), cancellationToken: cancellationToken);
        return [month, quarter];
    }

    /// <summary>The stored pipeline events of the last <see cref="DeploymentLookback"/>, with the releases to name their systems.</summary>
    public async Task<(IReadOnlyList<StoredPipelineEvent> Events, IReadOnlyList<ReleaseRecord> Releases)> ListDeploymentsAsync(CancellationToken cancellationToken)
    {
        var now = Now;
        var stored = events.ListByPeriodAsync(now - DeploymentLookback, now.AddMinutes(5), cancellationToken);
        var records = ListReleasesAsync(cancellationToken);
        await Task.WhenAll(stored, records);
        return (stored.Result, records.Result);
    }
}
