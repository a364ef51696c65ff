using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Metrics;

/// <summary>
/// What the metric calculators work from: facts derived once from the stored pipeline events, releases and approvals
/// (by the daily rollup, or by a full recompute) and kept in <c>MetricsDaily</c>. Every fact carries the release's type
/// and change category so any metric can be segmented by them. Times are instants (UTC offsets kept as stored).
/// </summary>
public sealed record MetricFacts
{
    public static readonly MetricFacts Empty = new();

    /// <summary>Production deployment attempts (service.deployed in production, outcome success or failure).</summary>
    public IReadOnlyList<DeploymentFact> Deployments { get; init; } = [];

    /// <summary>Production rollbacks (service.rolledback in production).</summary>
    public IReadOnlyList<RollbackFact> Rollbacks { get; init; } = [];

    /// <summary>Production incidents (incident.detected in production).</summary>
    public IReadOnlyList<IncidentFact> Incidents { get; init; } = [];

    /// <summary>Restorations of production incidents.</summary>
    public IReadOnlyList<RecoveryFact> Recoveries { get; init; } = [];

    /// <summary>Test suite runs (testSuiteRun.finished), any environment.</summary>
    public IReadOnlyList<TestRunFact> TestRuns { get; init; } = [];

    /// <summary>Approval asks resolved (decided or timed out), one per release, stage and role.</summary>
    public IReadOnlyList<ApprovalFact> Approvals { get; init; } = [];

    /// <summary>The union of several fact sets (e.g. the daily rollups of a period).</summary>
    public static MetricFacts Combine(IEnumerable<MetricFacts> parts)
    {
        var list = parts.ToList();
        return new MetricFacts
        {
            Deployments = list.SelectMany(p => p.Deployments).ToList(),
            Rollbacks = list.SelectMany(p => p.Rollbacks).ToList(),
            Incidents = list.SelectMany(p => p.Incidents).ToList(),
            Recoveries = list.SelectMany(p => p.Recoveries).ToList(),
            TestRuns = list.SelectMany(p => p.TestRuns).ToList(),
            Approvals = list.SelectMany(p => p.Approvals).ToList(),
        };
    }

    /// <summary>The facts of one system (facts without a system belong to none).</summary>
    public MetricFacts ForSystem(string system) => Where(s => string.Equals(s, system, StringComparison.OrdinalIgnoreCase), _ => true, _ => true);

    public MetricFacts ForReleaseType(ReleaseType type) => Where(_ => true, t => t == type, _ => true);

    public MetricFacts ForChangeCategory(ChangeCategory category) => Where(_ => true, _ => true, c => c == category);

    private MetricFacts Where(Func<string?, bool> system, Func<ReleaseType?, bool> type, Func<ChangeCategory?, bool> category)
    {
        bool Keep(ReleaseSegment s) => system(s.System) && type(s.Type) && category(s.Category);
        return new MetricFacts
        {
            Deployments = Deployments.Where(f => Keep(f.Segment)).ToList(),
            Rollbacks = Rollbacks.Where(f => Keep(f.Segment)).ToList(),
            Incidents = Incidents.Where(f => Keep(f.Segment)).ToList(),
            Recoveries = Recoveries.Where(f => Keep(f.Segment)).ToList(),
            TestRuns = TestRuns.Where(f => Keep(f.Segment)).ToList(),
            Approvals = Approvals.Where(f => Keep(f.Segment)).ToList(),
        };
    }

    public int Count => Deployments.Count + Rollbacks.Count + Incidents.Count + Recoveries.Count + TestRuns.Count + Approvals.Count;

    /// <summary>Facts in [from, to) by each fact's own instant (<see cref="IFact.At"/>).</summary>
    public MetricFacts Between(DateTimeOffset from, DateTimeOffset to)
    {
        bool In(IFact f) => f.At >= from && f.At < to;
        return new MetricFacts
        {
            Deployments = Deployments.Where(In).ToList(),
            Rollbacks = Rollbacks.Where(In).ToList(),
            Incidents = Incidents.Where(In).ToList(),
            Recoveries = Recoveries.Where(In).ToList(),
            TestRuns = TestRuns.Where(In).ToList(),
            Approvals = Approvals.Where(In).ToList(),
        };
    }
}

/// <summary>The release a fact belongs to, and the segments it is reported under. Type and category are null when the
/// event could not be correlated to a known release.</summary>
public sealed record ReleaseSegment(string? ReleaseId, string? System, ReleaseType? Type, ChangeCategory? Category);

/// <summary>A fact with the instant it is counted at (the day it rolls up into).</summary>
public interface IFact
{
    DateTimeOffset At { get; }

    ReleaseSegment Segment { get; }
}

/// <summary>
/// One production deployment attempt of a release to a system.
/// </summary>
/// <param name="At">When the deployment finished.</param>
/// <param name="Succeeded">Outcome success (failure otherwise).</param>
/// <param name="RequestedAt">When the release was requested (its row in Releases was created).</param>
/// <param name="FirstChangeMergedAt">The earliest change.merged event of the release, if any.</param>
/// <param name="ProductionApprovedAt">When the production go/no-go (or, for hotfixes, the emergency) stage was last approved before the deployment.</param>
/// <param name="ApprovalWait">Time spent waiting for approvers before the deployment: per stage, from the first request sent to the last decision.</param>
public sealed record DeploymentFact(
    ReleaseSegment Segment,
    DateTimeOffset At,
    bool Succeeded,
    DateTimeOffset? RequestedAt,
    DateTimeOffset? FirstChangeMergedAt,
    DateTimeOffset? ProductionApprovedAt,
    TimeSpan? ApprovalWait) : IFact;

/// <summary>A production rollback; <paramref name="DeployedAt"/> is the deployment it undid (the release's latest successful production deployment to the system before it), when known.</summary>
public sealed record RollbackFact(ReleaseSegment Segment, DateTimeOffset At, DateTimeOffset? DeployedAt) : IFact;

/// <summary>
/// A production incident detected at <see cref="At"/>. <paramref name="CausedByDeployment"/>: correlated to a release that
/// had been deployed to production (successfully) before it; <paramref name="DeployedAt"/> is that deployment.
/// </summary>
public sealed record IncidentFact(
    ReleaseSegment Segment,
    DateTimeOffset At,
    string IncidentId,
    bool CausedByDeployment,
    DateTimeOffset? DeployedAt) : IFact;

/// <summary>
/// A production incident restored at <see cref="At"/>: incident.resolved with the same incident id, or a rollback of the
/// same release and system, whichever came first after <paramref name="DetectedAt"/>.
/// </summary>
public sealed record RecoveryFact(
    ReleaseSegment Segment,
    DateTimeOffset At,
    string IncidentId,
    DateTimeOffset DetectedAt,
    bool CausedByDeployment) : IFact;

/// <summary>A finished test suite run: its environment, outcome, failed test count and reported coverage (percent).</summary>
public sealed record TestRunFact(
    ReleaseSegment Segment,
    DateTimeOffset At,
    string? Environment,
    bool Succeeded,
    int Failed,
    decimal? CoveragePercent) : IFact;

public enum ApprovalOutcome
{
    Approved,
    Rejected,
    TimedOut,

    /// <summary>
    /// The stage was not asked at all: the release's change category does not route through it (pre-approved). Counted as
    /// skipped, never as an ask with zero wait; the fact's role is <see cref="ApprovalFact.PreApproved"/>.
    /// </summary>
    Skipped,
}

/// <summary>An approval ask of a role on a release's stage, resolved at <see cref="At"/> (the decision, or the expiry).</summary>
public sealed record ApprovalFact(
    ReleaseSegment Segment,
    DateTimeOffset At,
    string Stage,
    string Role,
    ApprovalOutcome Outcome,
    DateTimeOffset? AskedAt) : IFact
{
    /// <summary>The role of a <see cref="ApprovalOutcome.Skipped"/> fact: nobody was asked.</summary>
    public const string PreApproved = "(pre-approved)";
}
