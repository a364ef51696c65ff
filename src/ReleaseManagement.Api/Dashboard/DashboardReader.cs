using ReleaseManagement.Approvals;
using ReleaseManagement.Events;
using ReleaseManagement.Metrics;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api.Dashboard;

/// <summary>Everything the release page shows, as the stores hold it, and the policy the release runs under (<see cref="ReleasePolicies"/>).</summary>
public sealed record ReleaseDetail(
    ReleaseRecord Record,
    IReadOnlyList<TimelineEntry> Timeline,
    IReadOnlyList<StoredPipelineEvent> Events,
    IReadOnlyDictionary<string, IReadOnlyList<ApprovalDecisionRecord>> Decisions,
    IReadOnlyList<StoredHealth> Health,
    ReleasePolicy Policy);

/// <summary>
/// The dashboard's one coupling to the rest of the system: it reads the status projection and the stores through their
/// ports (never orchestration history) and hands plain data to the view builders. It writes nothing but the one-time
/// backfill of the environments page's state (<see cref="EnvironmentsAsync"/>; the metrics page
/// reads the stored daily rollups only). A release is shown under the policy it runs under
/// (<see cref="ReleasePolicies"/>); the current policy (<see cref="CurrentPolicy"/>) serves what is not one release's: the
/// calendar's windows, the conflicts between releases, the metrics.
/// </summary>
public sealed partial class DashboardReader(
    IReleaseStore releases,
    IPipelineEventStore events,
    IApprovalDecisionStore decisions,
    IReleaseHealthStore health,
    ReleasePolicies policies,
    TimeProvider time,
    MetricsService metrics,
    Microsoft.Extensions.Logging.ILogger<DashboardReader> log,
    Microsoft.Extensions.Configuration.IConfiguration? configuration = null,
    IEnvironmentStateStore? environmentState = null,
    EnvironmentStateWriter? environmentWriter = null)
{
    /// <summary>
    /// At most this many releases an unbounded listing of the projection returns (bench/Dashboard's raw read). The pages do
    /// not read it: the board reads the active releases and those ended in the last <see cref="BoardView.EndedDays"/> days
    /// (<see cref="ListReleasesAsync"/>), the calendar the active ones (<see cref="ListActiveAsync"/>).
    /// </summary>
    public const int MaxReleases = 5000;

    /// <summary>How far back the environments matrix reads deployment events (without a state store), and the backfill of its state reads them.</summary>
    public static readonly TimeSpan DeploymentLookback = TimeSpan.FromDays(180);

    /// <summary>The policy the host runs with now: not the one to judge a stored release by (<see cref="PoliciesOfAsync"/>).</summary>
    public ReleasePolicy CurrentPolicy => policies.Current;

    public DisplayFormat Format { get; } = new(PolicyTime.Zone(policies.Current));

    public DateTimeOffset Now => time.GetUtcNow();

    public IReadOnlyCollection<string> PolicySystems => policies.Current.Systems.Keys.ToArray();

    /// <summary>
    /// The policy each release runs under, by release id. A release whose snapshot cannot be read is logged as an error and
    /// shown under the current policy here, so one damaged release does not take a page of many down (its own page refuses).
    /// </summary>
    public Task<IReadOnlyDictionary<string, ReleasePolicy>> PoliciesOfAsync(IEnumerable<ReleaseRecord> records, CancellationToken cancellationToken) =>
        policies.ForAllAsync(records, (release, error) => LogUnreadablePolicy(log, release.Request.Id, release.PolicyHash, error.Message), cancellationToken);

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Error,
        Message = "The policy snapshot {PolicyHash} of release {ReleaseId} cannot be read ({Problem}); the dashboard shows it under the current policy")]
    private static partial void LogUnreadablePolicy(Microsoft.Extensions.Logging.ILogger logger, string releaseId, string? policyHash, string problem);

    /// <summary>
    /// What the board shows (the projection's rows only: no timeline), newest first: every active release and those that
    /// ended in the last <see cref="BoardView.EndedDays"/> days. The table store reads the active releases' partition and
    /// the ended partitions of those days, then the rows of just those releases (docs/architecture.md, "Hot queries"):
    /// the same cost after five years of history as on the first day.
    /// </summary>
    public Task<IReadOnlyList<ReleaseRecord>> ListReleasesAsync(CancellationToken cancellationToken) =>
        releases.ListAsync(new ReleaseQuery(Max: int.MaxValue, EndedSince: Now.AddDays(-BoardView.EndedDays)), cancellationToken);

    /// <summary>The active releases (the calendar shows these only), newest first: the active releases' partition and their rows.</summary>
    public Task<IReadOnlyList<ReleaseRecord>> ListActiveAsync(CancellationToken cancellationToken) =>
        releases.ListActiveAsync(cancellationToken);

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

        // An active release's window conflicts as they stand (judged by the current policy, as the board does): the other
        // releases' requests do not write to it.
        record = record with
        {
            Warnings = await new AdmissionWriter(releases, policies.Current).CurrentWarningsAsync(record, time.GetUtcNow(), cancellationToken),
        };
        var policy = await policies.ForAsync(record, cancellationToken);
        var stages = ApprovalPlan.For(policy, record).Route
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

        return new ReleaseDetail(record, timeline.Result, pipeline.Result, byStage, readings.Result, policy);
    }

    /// <summary>
    /// The metrics page, from the stored daily rollups only: the current month's report (its facts window covers the
    /// six-month trend the page draws) and the current quarter's figures from the same rollups. The page shows the quarter's
    /// figures but not its trend, so the four earlier quarters are not read for it; the quarter's figures count only facts
    /// from its first day on (or, looking forward, within the failure attribution window), which the month's window covers,
    /// so they are the same as the full quarter report's. A reader's request rolls up nothing: finished days without a
    /// rollup come back as missing (the page says those figures are not computed yet) and the daily rollup fills them
    /// (<see cref="MetricsService.RunDailyRollupAsync"/>); today is read from its own events.
    /// </summary>
    public async Task<MetricsPageData> CurrentReportsAsync(CancellationToken cancellationToken)
    {
        var now = Now;
        var (month, quarter) = MetricsPageWindow.Periods(metrics.Today);
        var (from, to) = MetricsPageWindow.Days(month, Format.Zone, now);
        var stored = await metrics.ReadStoredFactsAsync(from, to, cancellationToken);
        var policy = policies.Current;
        // The two reports are pure functions of the same facts: built on two cores at once (a cold view is mostly CPU).
        var quarterBuild = Task.Run(() => MetricsPageWindow.WithoutTrend(MetricsReportBuilder.Build(quarter, stored.Facts, policy, metrics.DefaultDoraYear, now)), cancellationToken);
        var monthReport = MetricsReportBuilder.Build(month, stored.Facts, policy, metrics.DefaultDoraYear, now);
        var quarterReport = await quarterBuild;
        var schedule = configuration?[MetricsSchedules.DailyRollupSetting] is { Length: > 0 } s ? s : MetricsSchedules.DailyRollup;
        return new MetricsPageData([monthReport, quarterReport], stored, MetricsSchedules.Describe(schedule));
    }

    /// <summary>
    /// The stored pipeline events of the last <see cref="DeploymentLookback"/>, with the releases that name the systems of
    /// the deployment events that carry none: a point read of each such release (bounded by the events the page shows),
    /// not a listing of every release.
    /// </summary>
    public async Task<(IReadOnlyList<StoredPipelineEvent> Events, IReadOnlyList<ReleaseRecord> Releases)> ListDeploymentsAsync(CancellationToken cancellationToken)
    {
        var now = Now;
        var stored = await events.ListByPeriodAsync(now - DeploymentLookback, now.AddMinutes(5), cancellationToken);
        var named = stored
            .Select(s => s.Event)
            .Where(e => e.Type is ReleaseManagement.Events.CanonicalEventType.ServiceDeployed or ReleaseManagement.Events.CanonicalEventType.ServiceRolledBack
                && string.IsNullOrWhiteSpace(e.System) && e.ReleaseId is { } id && ReleaseIds.IsValid(id))
            .Select(e => e.ReleaseId!)
            .Distinct(StringComparer.Ordinal);
        var records = await Task.WhenAll(named.Select(id => releases.GetAsync(id, cancellationToken)));
        return (stored, records.OfType<ReleaseRecord>().ToArray());
    }

    /// <summary>
    /// The environments page. With the cells' state kept (<see cref="IEnvironmentStateStore"/>): one query of its partition,
    /// whatever the history; on a store written before it was kept (no backfill mark), the first view merges the events of
    /// the last <see cref="DeploymentLookback"/> into it first (<see cref="ListDeploymentsAsync"/>), once. Without a state
    /// store, the view of those events as before.
    /// </summary>
    public async Task<EnvironmentsView> EnvironmentsAsync(CancellationToken cancellationToken)
    {
        var now = Now;
        if (environmentState is null || environmentWriter is null)
        {
            var (events, named) = await ListDeploymentsAsync(cancellationToken);
            return EnvironmentsView.Build(events, named, PolicySystems, Format, now - DeploymentLookback, now);
        }

        var state = await environmentState.ReadAsync(cancellationToken);
        if (state.BackfilledFrom is null)
        {
            var (events, named) = await ListDeploymentsAsync(cancellationToken);
            await environmentWriter.BackfillAsync(now - DeploymentLookback, events.Select(e => e.Event), named, cancellationToken);
            state = await environmentState.ReadAsync(cancellationToken);
        }

        return EnvironmentsView.BuildFromState(state.Cells, PolicySystems, Format, state.BackfilledFrom ?? now - DeploymentLookback, now);
    }
}
