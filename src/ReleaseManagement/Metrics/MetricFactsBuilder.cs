using System.Globalization;
using ReleaseManagement.Events;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Metrics;

/// <summary>
/// Derives the facts of a time range from the stored events, the releases and the approval history (the rules are in
/// docs/metrics.md, "Source events"). Lookups of a release (its row, its events, its approval stages) are cached for the
/// life of the builder, so one builder per rollup run. The period's events and its resolved approvals are read at once,
/// and the lookups the facts will make are read up front, <see cref="LookupConcurrency"/> at a time, into that cache
/// (MetricFactsBuilder.Lookups.cs): the same reads as one lookup after another, in a few round trips instead of one each.
/// </summary>
public sealed partial class MetricFactsBuilder(IPipelineEventStore events, IReleaseStore releases, IApprovalHistory approvals, ReleasePolicy policy)
{
    /// <summary>How far back a resolution looks for its uncorrelated detection.</summary>
    public static readonly TimeSpan IncidentLookback = TimeSpan.FromDays(31);

    private readonly Dictionary<string, ReleaseRecord?> _releases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<CanonicalEvent>> _releaseEvents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<(string Stage, DateTimeOffset FirstAsked, DateTimeOffset LastDecided, bool Approved)>> _spans = new(StringComparer.Ordinal);

    public int EventsRead { get; private set; }

    public async Task<MetricFacts> BuildAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        // The events and the approvals at once; the events' lookups while the approvals are read, then the asks' own.
        var listing = events.ListByPeriodAsync(from, to, cancellationToken);
        var resolving = approvals.ListResolvedAsync(from, to, cancellationToken);
        var eventLookups = LookUpEventsAsync(listing, cancellationToken);
        await Task.WhenAll(eventLookups, resolving);
        Keep(eventLookups.Result);
        Keep(await LookUpAsync(resolving.Result.Select(a => a.ReleaseId), [], [], cancellationToken));

        var stored = listing.Result;
        EventsRead += stored.Count;
        var deployments = new List<DeploymentFact>();
        var rollbacks = new List<RollbackFact>();
        var incidents = new List<IncidentFact>();
        var recoveries = new List<RecoveryFact>();
        var tests = new List<TestRunFact>();

        foreach (var evt in stored.Select(s => s.Event))
        {
            var segment = await SegmentAsync(evt.ReleaseId, evt.System, cancellationToken);
            switch (KindOf(evt))
            {
                case FactKind.Deployment:
                    deployments.Add(await DeploymentAsync(evt, segment, cancellationToken));
                    break;
                case FactKind.Rollback:
                    rollbacks.Add(new RollbackFact(segment, evt.OccurredAt, await LastDeploymentAsync(evt, cancellationToken)));
                    recoveries.AddRange(await RecoveriesByRollbackAsync(evt, segment, cancellationToken));
                    break;
                case FactKind.Incident:
                    var deployedAt = await LastDeploymentAsync(evt, cancellationToken);
                    incidents.Add(new IncidentFact(segment, evt.OccurredAt, FactRules.IncidentId(evt), deployedAt is not null, deployedAt));
                    break;
                case FactKind.Resolution:
                    if (await RecoveryByResolutionAsync(evt, segment, cancellationToken) is { } recovery)
                    {
                        recoveries.Add(recovery);
                    }

                    break;
                case FactKind.TestRun:
                    tests.Add(new TestRunFact(
                        segment, evt.OccurredAt, evt.Environment, evt.Outcome == EventOutcomes.Success,
                        int.TryParse(evt.Attribute(EventAttributes.TestsFailed), NumberStyles.Integer, CultureInfo.InvariantCulture, out var failed) ? Math.Max(0, failed) : 0,
                        decimal.TryParse(evt.Attribute(EventAttributes.Coverage)?.TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out var coverage) ? coverage : null));
                    break;
            }
        }

        var asks = new List<ApprovalFact>();
        foreach (var ask in resolving.Result)
        {
            var segment = await SegmentAsync(ask.ReleaseId, null, cancellationToken);
            asks.Add(new ApprovalFact(segment, ask.ResolvedAt, ask.Stage, ask.Role, ask.Outcome, ask.AskedAt));
        }

        return new MetricFacts { Deployments = deployments, Rollbacks = rollbacks, Incidents = incidents, Recoveries = recoveries, TestRuns = tests, Approvals = asks };
    }

    /// <summary>Which fact an event makes, if any (the lookups read up front follow the same rules).</summary>
    private static FactKind KindOf(CanonicalEvent evt) => evt.Type switch
    {
        CanonicalEventType.ServiceDeployed when FactRules.IsProduction(evt.Environment) && evt.Outcome is EventOutcomes.Success or EventOutcomes.Failure => FactKind.Deployment,
        CanonicalEventType.ServiceRolledBack when FactRules.IsProductionOrUnnamed(evt.Environment) => FactKind.Rollback,
        CanonicalEventType.IncidentDetected when FactRules.IsProductionOrUnnamed(evt.Environment) => FactKind.Incident,
        CanonicalEventType.IncidentResolved when FactRules.IsProductionOrUnnamed(evt.Environment) => FactKind.Resolution,
        CanonicalEventType.TestSuiteRunFinished => FactKind.TestRun,
        _ => FactKind.None,
    };

    private async Task<DeploymentFact> DeploymentAsync(CanonicalEvent evt, ReleaseSegment segment, CancellationToken cancellationToken)
    {
        DateTimeOffset? requested = null, merged = null, approved = null;
        TimeSpan? wait = null;
        if (evt.ReleaseId is { } id)
        {
            requested = (await ReleaseAsync(id, cancellationToken))?.CreatedAt;
            merged = (await ReleaseEventsAsync(id, cancellationToken))
                .Where(e => e.Type == CanonicalEventType.ChangeMerged && e.OccurredAt <= evt.OccurredAt)
                .Select(e => (DateTimeOffset?)e.OccurredAt).Min();
            var spans = (await SpansAsync(id, cancellationToken)).Where(s => s.LastDecided <= evt.OccurredAt).ToList();
            approved = spans
                .Where(s => s.Approved && s.Stage is ApprovalStageKeys.PromotionProduction or ApprovalStageKeys.Emergency)
                .Select(s => (DateTimeOffset?)s.LastDecided).Max();
            wait = spans.Count == 0 ? null : TimeSpan.FromTicks(spans.Sum(s => (s.LastDecided - s.FirstAsked).Ticks));
        }

        return new DeploymentFact(segment, evt.OccurredAt, evt.Outcome == EventOutcomes.Success, requested, merged, approved, wait);
    }

    /// <summary>The release's latest successful production deployment to the event's system (any system when it names none) before the event.</summary>
    private async Task<DateTimeOffset?> LastDeploymentAsync(CanonicalEvent evt, CancellationToken cancellationToken)
    {
        if (evt.ReleaseId is not { } id)
        {
            return null;
        }

        return (await ReleaseEventsAsync(id, cancellationToken))
            .Where(e => e.Type == CanonicalEventType.ServiceDeployed && FactRules.IsProduction(e.Environment) && e.Outcome == EventOutcomes.Success
                && e.OccurredAt <= evt.OccurredAt && FactRules.SameSystem(e, evt))
            .Select(e => (DateTimeOffset?)e.OccurredAt).Max();
    }

    /// <summary>A rollback restores every open incident of the same release and system detected before it.</summary>
    private async Task<IEnumerable<RecoveryFact>> RecoveriesByRollbackAsync(CanonicalEvent rollback, ReleaseSegment segment, CancellationToken cancellationToken)
    {
        if (rollback.ReleaseId is not { } id)
        {
            return [];
        }

        var history = await ReleaseEventsAsync(id, cancellationToken);
        var result = new List<RecoveryFact>();
        foreach (var detected in history.Where(e => e.Type == CanonicalEventType.IncidentDetected && e.OccurredAt <= rollback.OccurredAt && FactRules.SameSystem(e, rollback)))
        {
            var incident = FactRules.IncidentId(detected);
            var restoredBefore = history.Any(e => e.OccurredAt >= detected.OccurredAt && e.OccurredAt < rollback.OccurredAt && FactRules.SameSystem(e, detected)
                && ((e.Type == CanonicalEventType.IncidentResolved && FactRules.IncidentId(e) == incident) || (e.Type == CanonicalEventType.ServiceRolledBack && e.EventId != rollback.EventId)));
            if (!restoredBefore)
            {
                var caused = await LastDeploymentAsync(detected, cancellationToken) is not null;
                result.Add(new RecoveryFact(segment, rollback.OccurredAt, incident, detected.OccurredAt, caused));
            }
        }

        return result;
    }

    /// <summary>A resolution restores its incident unless a rollback restored it first.</summary>
    private async Task<RecoveryFact?> RecoveryByResolutionAsync(CanonicalEvent resolved, ReleaseSegment segment, CancellationToken cancellationToken)
    {
        var incident = FactRules.IncidentId(resolved);
        IEnumerable<CanonicalEvent> candidates = resolved.ReleaseId is { } id
            ? await ReleaseEventsAsync(id, cancellationToken)
            : (await events.ListByPeriodAsync(resolved.OccurredAt - IncidentLookback, resolved.OccurredAt, cancellationToken)).Select(s => s.Event);
        var history = candidates.ToList();
        var detected = history
            .Where(e => e.Type == CanonicalEventType.IncidentDetected && FactRules.IncidentId(e) == incident && e.OccurredAt <= resolved.OccurredAt)
            .MinBy(e => e.OccurredAt);
        if (detected is null)
        {
            return null;
        }

        var rolledBackFirst = history.Any(e => e.Type == CanonicalEventType.ServiceRolledBack && e.OccurredAt >= detected.OccurredAt && e.OccurredAt < resolved.OccurredAt
            && e.ReleaseId == detected.ReleaseId && FactRules.SameSystem(e, detected));
        if (rolledBackFirst)
        {
            return null;
        }

        var caused = await LastDeploymentAsync(detected, cancellationToken) is not null;
        return new RecoveryFact(segment, resolved.OccurredAt, incident, detected.OccurredAt, caused);
    }

    private async Task<ReleaseSegment> SegmentAsync(string? releaseId, string? system, CancellationToken cancellationToken)
    {
        var name = system is null ? null : ApproverDirectory.FindSystem(policy, system) is not null
            ? policy.Systems.Keys.First(k => string.Equals(k, system.Trim(), StringComparison.OrdinalIgnoreCase))
            : system;
        if (releaseId is null || await ReleaseAsync(releaseId, cancellationToken) is not { } release)
        {
            return new ReleaseSegment(releaseId, name, null, null);
        }

        return new ReleaseSegment(releaseId, name, release.Request.Type, release.Request.EffectiveChangeCategory);
    }

    private async Task<ReleaseRecord?> ReleaseAsync(string id, CancellationToken cancellationToken)
    {
        if (!_releases.TryGetValue(id, out var record))
        {
            record = _releases[id] = await releases.GetAsync(id, cancellationToken);
        }

        return record;
    }

    private async Task<IReadOnlyList<CanonicalEvent>> ReleaseEventsAsync(string id, CancellationToken cancellationToken)
    {
        if (!_releaseEvents.TryGetValue(id, out var list))
        {
            var stored = await events.ListByReleaseAsync(id, cancellationToken);
            EventsRead += stored.Count;
            list = _releaseEvents[id] = stored.Select(s => s.Event).ToList();
        }

        return list;
    }

    private async Task<IReadOnlyList<(string Stage, DateTimeOffset FirstAsked, DateTimeOffset LastDecided, bool Approved)>> SpansAsync(string id, CancellationToken cancellationToken)
    {
        if (!_spans.TryGetValue(id, out var spans))
        {
            spans = _spans[id] = await approvals.StageSpansAsync(id, cancellationToken);
        }

        return spans;
    }
}
