using ReleaseManagement.Events;
using ReleaseManagement.Policy;

namespace ReleaseManagement.Metrics;

/// <summary>
/// Which local days' facts an event changes (pure; the rules mirror <see cref="MetricFactsBuilder"/>, docs/metrics.md,
/// "Late events"). An event stored after its day was rolled up makes those days stale:
/// <list type="bullet">
/// <item>its own day, when it yields a fact (a production deployment, rollback, incident or resolution; a test run);</item>
/// <item>a change.merged: the days of the release's production deployments at or after it (their lead time from merge);</item>
/// <item>a successful production deployment: the days of the release's later rollbacks, incidents and resolutions of the
/// same system (the deployment they are attributed to);</item>
/// <item>a rollback or incident: the day of the deployment it attributes a failure to (the release's latest successful
/// production deployment of the system before it), and the days of the later rollbacks and resolutions whose recovery it
/// changes (for an incident, resolutions of the same incident within <see cref="MetricFactsBuilder.IncidentLookback"/>,
/// correlated or not);</item>
/// <item>a resolution: the days of the release's later rollbacks of the system (a rollback after it no longer restores the incident).</item>
/// </list>
/// </summary>
public static class MetricsImpact
{
    /// <summary>Whether the event can change any fact (pipeline runs, artifacts, milestones, evidence and non-production deployments never do).</summary>
    public static bool CanChangeFacts(CanonicalEvent evt) => evt.Type switch
    {
        CanonicalEventType.ServiceDeployed => IsProduction(evt.Environment) && evt.Outcome is EventOutcomes.Success or EventOutcomes.Failure,
        CanonicalEventType.ServiceRolledBack or CanonicalEventType.IncidentDetected or CanonicalEventType.IncidentResolved => IsProductionOrUnnamed(evt.Environment),
        CanonicalEventType.TestSuiteRunFinished => true,
        CanonicalEventType.ChangeMerged => evt.ReleaseId is not null,
        _ => false,
    };

    /// <summary>
    /// Whether <see cref="AffectedDays"/> needs the events of every release in [event, event + <see cref="MetricFactsBuilder.IncidentLookback"/>]
    /// besides the release's own: an incident detection may be the one an uncorrelated resolution looks back for.
    /// </summary>
    public static bool NeedsFollowingEvents(CanonicalEvent evt) =>
        evt.Type == CanonicalEventType.IncidentDetected && IsProductionOrUnnamed(evt.Environment);

    /// <summary>
    /// The local days (in <paramref name="zone"/>) whose facts storing <paramref name="evt"/> changes. <paramref name="related"/>:
    /// the stored events of its release (and, when <see cref="NeedsFollowingEvents"/>, those of the lookback after it); the
    /// event itself and duplicates among them are ignored.
    /// </summary>
    public static IReadOnlySet<DateOnly> AffectedDays(CanonicalEvent evt, IEnumerable<CanonicalEvent> related, TimeZoneInfo zone)
    {
        var days = new SortedSet<DateOnly>();
        if (!CanChangeFacts(evt))
        {
            return days;
        }

        DateOnly Day(CanonicalEvent e) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(e.OccurredAt, zone).DateTime);
        void Add(IEnumerable<CanonicalEvent> events)
        {
            foreach (var e in events)
            {
                days.Add(Day(e));
            }
        }

        var others = related.Where(e => e.EventId != evt.EventId).DistinctBy(e => e.EventId).ToList();
        var release = evt.ReleaseId is { } id ? others.Where(e => e.ReleaseId == id).ToList() : [];
        var t = evt.OccurredAt;
        if (evt.Type != CanonicalEventType.ChangeMerged)
        {
            days.Add(Day(evt));
        }

        switch (evt.Type)
        {
            case CanonicalEventType.ChangeMerged:
                Add(release.Where(e => e.Type == CanonicalEventType.ServiceDeployed && CanChangeFacts(e) && e.OccurredAt >= t));
                break;
            case CanonicalEventType.ServiceDeployed when evt.Outcome == EventOutcomes.Success:
                Add(release.Where(e => e.Type is CanonicalEventType.ServiceRolledBack or CanonicalEventType.IncidentDetected or CanonicalEventType.IncidentResolved
                    && IsProductionOrUnnamed(e.Environment) && e.OccurredAt >= t && SameSystem(e, evt)));
                break;
            case CanonicalEventType.ServiceRolledBack:
                Add(AttributedDeployment(evt, release));
                Add(release.Where(e => e.Type == CanonicalEventType.ServiceRolledBack && IsProductionOrUnnamed(e.Environment) && e.OccurredAt > t && SameSystem(e, evt)));
                Add(release.Where(e => e.Type == CanonicalEventType.IncidentResolved && IsProductionOrUnnamed(e.Environment) && e.OccurredAt > t));
                break;
            case CanonicalEventType.IncidentDetected:
                Add(AttributedDeployment(evt, release));
                Add(release.Where(e => e.Type == CanonicalEventType.ServiceRolledBack && IsProductionOrUnnamed(e.Environment) && e.OccurredAt >= t && SameSystem(e, evt)));
                var incident = IncidentId(evt);
                Add(others.Where(e => e.Type == CanonicalEventType.IncidentResolved && IsProductionOrUnnamed(e.Environment) && IncidentId(e) == incident
                    && e.OccurredAt >= t && e.OccurredAt - t <= MetricFactsBuilder.IncidentLookback));
                break;
            case CanonicalEventType.IncidentResolved:
                Add(release.Where(e => e.Type == CanonicalEventType.ServiceRolledBack && IsProductionOrUnnamed(e.Environment) && e.OccurredAt > t && SameSystem(e, evt)));
                break;
        }

        return days;
    }

    /// <summary>The release's latest successful production deployment of the event's system at or before it.</summary>
    private static IEnumerable<CanonicalEvent> AttributedDeployment(CanonicalEvent evt, IEnumerable<CanonicalEvent> release) =>
        release.Where(e => e.Type == CanonicalEventType.ServiceDeployed && IsProduction(e.Environment) && e.Outcome == EventOutcomes.Success
                && e.OccurredAt <= evt.OccurredAt && SameSystem(e, evt))
            .OrderByDescending(e => e.OccurredAt)
            .Take(1);

    private static string IncidentId(CanonicalEvent e) => e.Attribute(EventAttributes.Incident) ?? e.EventId;

    private static bool SameSystem(CanonicalEvent a, CanonicalEvent b) =>
        a.System is null || b.System is null || string.Equals(a.System, b.System, StringComparison.OrdinalIgnoreCase);

    private static bool IsProduction(string? environment) =>
        string.Equals(environment, nameof(DeploymentEnvironment.Production), StringComparison.OrdinalIgnoreCase);

    private static bool IsProductionOrUnnamed(string? environment) => environment is null || IsProduction(environment);
}
