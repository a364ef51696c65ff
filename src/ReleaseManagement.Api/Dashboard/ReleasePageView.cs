using System.Globalization;
using ReleaseManagement.Approvals;
using ReleaseManagement.Events;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api.Dashboard;

/// <summary>
/// The release page: where one release stands, built from <see cref="ReleaseDetail"/> and the policy the release runs under
/// (<see cref="ReleaseDetail.Policy"/>, the snapshot it was requested under): its route, gates, approvers, communication
/// timeline and health thresholds stay those of that policy after the current one changed.
/// </summary>
public sealed partial record ReleasePageView(
    ReleaseHeader Header,
    string RouteName,
    IReadOnlyList<PipelineNode> Pipeline,
    IReadOnlyList<GateRow> Gates,
    IReadOnlyList<EvidenceRow> Evidence,
    IReadOnlyList<ApprovalStageView> Approvals,
    IReadOnlyList<CommunicationRow> Communications,
    IReadOnlyList<HealthChart> Health,
    IReadOnlyList<DeploymentRow> Deployments,
    IReadOnlyList<TimelineRow> Timeline,
    IReadOnlyList<WarningRow> Warnings,
    string UpdatedAt,
    string TimeZone,
    string SelfUrl)
{
    /// <summary>The forms to act on the release and what the last one came to (set by the handler: it needs the request's person).</summary>
    public ReleaseForms? Actions { get; init; }

    /// <summary>The answers to the release's feedback links (set by the handler: whether comments show depends on the reader).</summary>
    public SatisfactionView? Satisfaction { get; init; }

    /// <summary>The release's business objectives with their verdicts (set by the handler, from their store).</summary>
    public IReadOnlyList<ObjectiveRow> Objectives { get; init; } = [];

    /// <summary>Production's stepwise deployment, step by step (the step bar); null unless production goes stepwise.</summary>
    public RolloutView? Rollout { get; init; }

    public static ReleasePageView Build(ReleaseDetail detail, DisplayFormat format, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(detail);
        var policy = detail.Policy;
        var r = detail.Record;
        var request = r.Request;
        var events = detail.Events.Select(e => e.Event).OrderBy(e => e.OccurredAt).ToArray();
        var header = new ReleaseHeader(
            request.Id, request.Title, request.Type.ToString(), request.Systems, DisplayFormat.Date(request.TargetDate),
            DisplayFormat.PhaseName(r.Phase), r.Status == ReleaseStatus.Active ? "Active" : DisplayFormat.OutcomeName(r.Status),
            r.Status == ReleaseStatus.Active, r.StatusReason is null ? null : DisplayFormat.Message(r.StatusReason), DisplayFormat.StageName(r.Stage), r.Risk, DisplayFormat.RiskLevel(r.Risk),
            request.RequestedBy, format.Time(r.CreatedAt), format.Time(r.UpdatedAt));

        return new ReleasePageView(
            header,
            request.Type == ReleaseType.Hotfix ? "Hotfix route" : "Standard route",
            BuildPipeline(r, policy, events, detail.Decisions, format),
            (r.Gates ?? []).Select(g => new GateRow(g.Item, g.Verdict, g.Reason, Describe(policy, g.Item))).ToArray(),
            BuildEvidence(events, format),
            BuildApprovals(r, policy, detail.Decisions, format, now),
            BuildCommunications(r, policy, detail.Timeline, format, now),
            BuildHealthCharts(policy, detail.Health, format),
            events.Where(e => e.Type is CanonicalEventType.ServiceDeployed or CanonicalEventType.ServiceRolledBack)
                .Select(e => new DeploymentRow(
                    e.Type == CanonicalEventType.ServiceRolledBack ? "Rollback" : "Deployment",
                    e.Environment ?? "—", e.System ?? string.Join(", ", request.Systems), e.Outcome ?? "reported",
                    e.Outcome is EventOutcomes.Failure or EventOutcomes.Cancelled, e.Attribute(EventAttributes.Version),
                    format.Time(e.OccurredAt), DisplayFormat.Iso(e.OccurredAt), e.Source))
                .ToArray(),
            detail.Timeline.Select(t => new TimelineRow(format.Time(t.At), DisplayFormat.Iso(t.At), t.Phase is { } phase ? DisplayFormat.PhaseName(phase) : string.Empty, t.Kind, DisplayFormat.Message(t.Message))).ToArray(),
            (r.Warnings ?? []).OrderBy(w => w.At).Select(w => new WarningRow(w.Code, w.Message, format.Time(w.At), DisplayFormat.Iso(w.At))).ToArray(),
            format.Time(now),
            format.Zone.Id,
            DashboardRoutes.Release(request.Id))
        {
            Rollout = RolloutView.From(r.Rollout),
        };
    }

    private static string? Describe(ReleasePolicy policy, string item) =>
        policy.QualityGates.Values.SelectMany(g => g.Items).FirstOrDefault(i => i.Id == item)?.Description ?? policy.Documents.GetValueOrDefault(item)?.Description;

    /// <summary>The promotion route as nodes: the first environment, then each step's target with its trigger, gates, approval and deployment.</summary>
    private static IReadOnlyList<PipelineNode> BuildPipeline(
        ReleaseRecord r, ReleasePolicy policy, IReadOnlyList<CanonicalEvent> events,
        IReadOnlyDictionary<string, IReadOnlyList<ApprovalDecisionRecord>> decisions, DisplayFormat format)
    {
        var route = policy.PromotionRoute(r.Request.Type);
        var nodes = new List<PipelineNode>();
        if (route.Count == 0)
        {
            return nodes;
        }

        var reached = events.Where(e => e.Type == CanonicalEventType.MilestoneReached).Select(e => e.Attribute(EventAttributes.Milestone))
            .Concat(events.Where(e => e.Type == CanonicalEventType.GateEvidence && e.Outcome != EventOutcomes.Failure).Select(e => e.Attribute(EventAttributes.GateItem)))
            .OfType<string>()
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        nodes.Add(Node(route[0].From, null));
        foreach (var step in route)
        {
            nodes.Add(Node(step.To, step));
        }

        return nodes;

        PipelineNode Node(DeploymentEnvironment environment, PromotionStep? step)
        {
            var env = environment.ToString().ToLowerInvariant();
            var deployment = events.LastOrDefault(e => e.Type == CanonicalEventType.ServiceDeployed && string.Equals(e.Environment, env, StringComparison.OrdinalIgnoreCase));
            var rollback = events.LastOrDefault(e => e.Type == CanonicalEventType.ServiceRolledBack && string.Equals(e.Environment, env, StringComparison.OrdinalIgnoreCase));
            var failed = deployment?.Outcome is EventOutcomes.Failure or EventOutcomes.Cancelled;
            var current = r.Status == ReleaseStatus.Active && r.Stage is { } stage
                && (stage.EndsWith(":" + env, StringComparison.OrdinalIgnoreCase)
                    || (step?.ApprovalStage is { } a && stage == a)
                    || (environment == DeploymentEnvironment.Production && stage == "window"));
            var state = rollback is not null ? "rolled-back"
                : failed ? "failed"
                : deployment is not null ? "done"
                : current ? "current"
                : r.Status == ReleaseStatus.Active ? "pending" : "not-reached";
            var stateText = state switch
            {
                "rolled-back" => $"Rolled back {format.Time(rollback!.OccurredAt)}",
                "failed" => $"Deployment {deployment!.Outcome} {format.Time(deployment.OccurredAt)}",
                "done" => $"Deployed {format.Time(deployment!.OccurredAt)}",
                "current" => "In progress",
                "pending" => "Not yet",
                _ => "Not reached",
            };
            string? approval = null;
            if (step?.ApprovalStage is { } approvalStage)
            {
                var decided = decisions.TryGetValue(approvalStage, out var list) ? list : [];
                var waiting = (r.PendingApprovals ?? []).FirstOrDefault(p => p.Stage == approvalStage);
                approval = waiting is not null
                    ? $"Waiting for {string.Join(", ", waiting.MissingRoles)} until {format.Time(waiting.Deadline)}"
                    : decided.Count > 0
                        ? string.Join("; ", decided.Select(d => $"{(d.Approved ? "Approved" : "Rejected")} by {d.Approver} at {format.Time(d.DecidedAt)}"))
                        : NotAsked(r, policy, approvalStage);
            }

            return new PipelineNode(
                environment.ToString(),
                state,
                stateText,
                step?.Trigger.Select(t => new TriggerItem(t, reached.Contains(t))).ToArray() ?? [],
                step?.Gates.Select(g => g.ToString()).Concat(step.Validation).ToArray() ?? [],
                approval,
                deployment?.Attribute(EventAttributes.Version));
        }
    }

    private static IReadOnlyList<EvidenceRow> BuildEvidence(IReadOnlyList<CanonicalEvent> events, DisplayFormat format) =>
        events.Where(e => e.Type == CanonicalEventType.GateEvidence)
            .Select(e =>
            {
                var (kind, value) = e.Attribute(EventAttributes.Waiver) is { } w ? ("Waiver", w)
                    : e.Attribute(EventAttributes.Attestation) is { } a ? ("Attestation", a)
                    : ("Value", e.Attribute(EventAttributes.Value) ?? e.Outcome ?? "—");
                return new EvidenceRow(
                    e.Attribute(EventAttributes.GateItem) ?? "—", kind, value,
                    e.Attribute(EventAttributes.Approver) ?? e.Source, e.Attribute(EventAttributes.Note),
                    format.Time(e.OccurredAt), DisplayFormat.Iso(e.OccurredAt));
            })
            .ToArray();

    private static IReadOnlyList<ApprovalStageView> BuildApprovals(
        ReleaseRecord r, ReleasePolicy policy, IReadOnlyDictionary<string, IReadOnlyList<ApprovalDecisionRecord>> decisions,
        DisplayFormat format, DateTimeOffset now)
    {
        var plan = ApprovalPlan.For(policy, r);
        var stages = plan.Route
            .Concat(decisions.Keys)
            .Concat((r.PendingApprovals ?? []).Select(p => p.Stage))
            .Distinct(StringComparer.Ordinal);
        return stages.Select(stage =>
        {
            var decided = decisions.TryGetValue(stage, out var list) ? list : [];
            var pending = (r.PendingApprovals ?? []).FirstOrDefault(p => p.Stage == stage);
            var waiting = pending?.MissingRoles
                .Select(role => new WaitingRole(
                    role,
                    r.Request.Approvers is { } people && people.TryGetValue(role, out var named) ? named : [],
                    format.Time(pending.Deadline), DisplayFormat.Iso(pending.Deadline), pending.Deadline < now))
                .ToArray() ?? [];
            var state = pending is not null ? "Waiting"
                : decided.Any(d => !d.Approved) ? "Rejected"
                : decided.Count > 0 ? "Approved"
                : NotAsked(r, policy, stage);
            return new ApprovalStageView(
                stage,
                DisplayFormat.ApprovalName(stage),
                state,
                decided.Select(d => new DecisionRow(d.Approver, d.Role, d.Approved ? "Approved" : "Rejected", d.Approved, d.Comment,
                    format.Time(d.DecidedAt), DisplayFormat.Iso(d.DecidedAt), d.Channel)).ToArray(),
                waiting)
            {
                Roles = plan.RuleOf(stage)?.RequiredRoles ?? [],
            };
        }).ToArray();
    }

    /// <summary>A stage nobody was asked about yet: pre-approved when the release's change category skips it, else still to come.</summary>
    internal static string NotAsked(ReleaseRecord r, ReleasePolicy policy, string stage) =>
        ApprovalPlan.For(policy, r).PreApproves(stage) ? $"Pre-approved ({r.Request.EffectiveChangeCategory} change)" : "Not asked yet";

    /// <summary>The policy's communication timeline for the target date, with what the timeline says was sent or missed.</summary>
    internal static IReadOnlyList<CommunicationRow> BuildCommunications(
        ReleaseRecord r, ReleasePolicy policy, IReadOnlyList<TimelineEntry> timeline, DisplayFormat format, DateTimeOffset now)
    {
        var noted = new Dictionary<string, (string Status, int? Recipients, DateTimeOffset At)>(StringComparer.Ordinal);
        foreach (var t in timeline.Where(t => t.Kind == Orchestration.TimelineKinds.Communication && t.Subject is not null))
        {
            switch (t.Outcome)
            {
                case CommunicationOutcomes.Sent:
                    noted[t.Subject!] = ("Sent", t.Recipients, t.At);
                    break;
                case CommunicationOutcomes.Missed:
                    noted[t.Subject!] = ("Missed", null, t.At);
                    break;
            }
        }

        return CommunicationSchedule.For(policy, r.Request, now)
            .Select(c =>
            {
                var offset = c.Offset < TimeSpan.Zero ? $"T-{DescribeOffset(-c.Offset)}" : c.Offset == TimeSpan.Zero ? "T" : $"T+{DescribeOffset(c.Offset)}";
                var (status, recipients, at) = noted.TryGetValue(c.Id, out var n)
                    ? (n.Status, n.Recipients, (DateTimeOffset?)n.At)
                    : (c.At < now ? (r.Status == ReleaseStatus.Active ? "Not sent" : "Not sent (release ended)") : "Planned", null, null);
                return new CommunicationRow(c.Id, offset, c.Description, format.Time(c.At), DisplayFormat.Iso(c.At), status,
                    recipients, at is { } when ? format.Time(when) : null, status.StartsWith("Not sent", StringComparison.Ordinal) || status == "Missed");
            })
            .ToArray();
    }

    private static string DescribeOffset(TimeSpan offset) =>
        offset.TotalDays >= 1 && offset.Ticks % TimeSpan.TicksPerDay == 0
            ? $"{offset.TotalDays.ToString("0", CultureInfo.InvariantCulture)}d"
            : $"{offset.TotalHours.ToString("0.#", CultureInfo.InvariantCulture)}h";

    /// <summary>Charts of the stored health readings per system: error rate and p95 latency against the policy's thresholds.</summary>
    internal static IReadOnlyList<HealthChart> BuildHealthCharts(ReleasePolicy policy, IReadOnlyList<StoredHealth> readings, DisplayFormat format) =>
        readings.GroupBy(h => h.Health.System, StringComparer.OrdinalIgnoreCase)
            .OrderBy(g => g.Key, StringComparer.OrdinalIgnoreCase)
            .SelectMany(g =>
            {
                var thresholds = policy.Systems.TryGetValue(g.Key, out var sp) && sp.Thresholds is { } t ? t : policy.SuccessCriteria.DefaultThresholds;
                var ordered = g.OrderBy(h => h.At).ToArray();
                var missing = ordered.Count(h => h.Verdict == HealthVerdict.MissingData); // stored as missing data: never plotted as healthy
                return new[]
                {
                    HealthChart.Of($"{g.Key}: error rate", "%", thresholds.MaxErrorRatePercent,
                        ordered.Where(h => h.Health.ErrorRatePercent is not null).Select(h => (h.At, h.Health.ErrorRatePercent!.Value)).ToArray(), format) with { MissingCount = missing },
                    HealthChart.Of($"{g.Key}: p95 latency", "ms", thresholds.MaxP95LatencyMilliseconds,
                        ordered.Where(h => h.Health.P95LatencyMilliseconds is not null).Select(h => (h.At, (decimal)h.Health.P95LatencyMilliseconds!.Value)).ToArray(), format) with { MissingCount = missing },
                };
            })
            .ToArray();

}

public sealed record ReleaseHeader(
    string Id,
    string Title,
    string Type,
    IReadOnlyList<string> Systems,
    string TargetDate,
    string Phase,
    string Status,
    bool IsActive,
    string? StatusReason,
    string Stage,
    string? Risk,
    string? RiskLevel,
    string? RequestedBy,
    string CreatedAt,
    string UpdatedAt);

public sealed record PipelineNode(
    string Environment,
    string State,
    string StateText,
    IReadOnlyList<TriggerItem> Trigger,
    IReadOnlyList<string> Gates,
    string? Approval,
    string? Version);

public sealed record TriggerItem(string Name, bool Reached);

public sealed record GateRow(string Item, string Verdict, string? Reason, string? Description);

public sealed record EvidenceRow(string Item, string Kind, string Value, string By, string? Note, string At, string AtIso);

public sealed record ApprovalStageView(string Stage, string Name, string State, IReadOnlyList<DecisionRow> Decisions, IReadOnlyList<WaitingRole> Waiting)
{
    /// <summary>The roles the release's approval plan asks of the stage (<see cref="ApprovalPlan"/>): risk, category and cadence roles included.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];
}

public sealed record DecisionRow(string Approver, string? Role, string Decision, bool Approved, string? Comment, string At, string AtIso, string Channel);

public sealed record WaitingRole(string Role, IReadOnlyList<string> People, string Until, string UntilIso, bool Overdue);

public sealed record CommunicationRow(
    string Id, string Offset, string Description, string Due, string DueIso, string Status, int? Recipients, string? RecordedAt, bool Warning);

public sealed record DeploymentRow(string Kind, string Environment, string System, string Outcome, bool Failed, string? Version, string At, string AtIso, string Source);

/// <summary>A warning the release carries (from the status projection), with when it was raised.</summary>
public sealed record WarningRow(string Code, string Message, string At, string AtIso);

public sealed record TimelineRow(string At, string AtIso, string Phase, string Kind, string Message);
