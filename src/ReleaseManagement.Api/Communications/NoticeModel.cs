using System.Globalization;
using ReleaseManagement.Activities;
using ReleaseManagement.Communications;
using ReleaseManagement.Events;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api.Communications;

/// <summary>
/// The variables every notice template gets (docs/communications.md lists them), from the release's state at send time:
/// its record, timeline and pipeline events, read with the policy the release runs under (<see cref="NoticeContext.Policy"/>,
/// not the current one: its windows, approvers, milestones and success criteria stay the release's). Dictionaries and lists of strings only, so templates
/// can be replaced without knowing any .NET type.
/// </summary>
public static class NoticeModel
{
    /// <summary>The milestone whose state the T-14 feature-freeze notice names (one of <see cref="PromotionPolicy.Milestones"/>).</summary>
    public const string CodeFreezeMilestone = "code-freeze";

    public static Dictionary<string, object> Build(NoticeContext context, string publicBaseUrl)
    {
        ArgumentNullException.ThrowIfNull(context);
        var policy = context.Policy;
        var notice = context.Notice;
        var record = context.Release;
        var request = record?.Request ?? new ReleaseRequest(notice.ReleaseId, notice.ReleaseId, ReleaseType.Minor, [], DateOnly.MinValue);
        var zone = PolicyTime.Zone(policy);
        var events = context.Events;
        var link = $"{publicBaseUrl.TrimEnd('/')}/api/releases/{Uri.EscapeDataString(request.Id)}";
        var approvers = ApproverDirectory.Resolve(policy, request.Systems, request.Approvers);

        // The production slot as planned: the same T as the communication timeline and the invite.
        var slot = request.TargetDate == DateOnly.MinValue ? null : ProductionSlot.Of(policy, request, ProductionSlot.AsPlanned);
        var window = slot?.Window;
        var releaseAt = slot?.Start ?? DateTimeOffset.MinValue;
        var deployments = events.Where(e => e.Type == CanonicalEventType.ServiceDeployed).ToArray();
        var rollbacks = events.Where(e => e.Type == CanonicalEventType.ServiceRolledBack).ToArray();
        var incidents = events.Where(e => e.Type == CanonicalEventType.IncidentDetected).ToArray();
        // Milestones reached are the pipeline's milestone events, named as the orchestration's inbox reads them.
        var reachedAt = events.Where(e => e.Type == CanonicalEventType.MilestoneReached && e.Attribute(EventAttributes.Milestone) is not null)
            .GroupBy(e => e.Attribute(EventAttributes.Milestone)!, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Min(e => e.OccurredAt), StringComparer.OrdinalIgnoreCase);
        var reached = reachedAt.Keys.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var production = deployments.Where(d => d.Environment == "production" && d.Outcome == EventOutcomes.Success).Select(d => (DateTimeOffset?)d.OccurredAt).Min();
        var firstDeploy = deployments.Select(d => (DateTimeOffset?)d.OccurredAt).Min();
        var monitoring = context.Timeline.Where(t => t.Kind is TimelineKinds.Validation or TimelineKinds.Watch).ToArray();
        var warnings = record?.Warnings ?? [];
        var noData = monitoring.Length == 0 || warnings.Any(x => x.Code == "missing-health-data");
        var facts = notice.Facts ?? new Dictionary<string, string>();

        // An outcome notice goes out just before the release's record is closed: it shows the outcome, not "Active".
        var outcome = facts.GetValueOrDefault(NoticeFacts.Outcome);

        string Local(DateTimeOffset at) => PolicyTime.DescribeLocal(zone, at);

        // Pipelines report a system in their own spelling (event normalization lower-cases it): name it as the release does.
        string SystemName(string? system) => system is null ? "-" : request.Systems.FirstOrDefault(s => string.Equals(s, system, StringComparison.OrdinalIgnoreCase)) ?? system;
        static string Text(object? value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;
        static Dictionary<string, object> Row(params (string Key, object? Value)[] cells) =>
            cells.ToDictionary(c => c.Key, c => c.Value ?? string.Empty, StringComparer.Ordinal);

        // Met without health data is never plain "met": the verdict says so, and which missing-data rule let it pass.
        var met = noData
            ? "Success criteria met with no monitoring data: " + policy.SuccessCriteria.OnMissingHealthData switch
            {
                MissingHealthDataRule.RequireSignOff => $"passed on the sign-off of {string.Join(" or ", policy.SuccessCriteria.SignOffRoles)} ({policy.SuccessCriteria.SignOffItem})",
                MissingHealthDataRule.Pass => "the policy lets a step without data pass",
                _ => $"missing-data rule {policy.SuccessCriteria.OnMissingHealthData}",
            }
            : "Success criteria met";
        var verdict = record?.Status switch
        {
            ReleaseStatus.Completed => met,
            ReleaseStatus.RolledBack or ReleaseStatus.Failed => "Success criteria not met: " + record.StatusReason,
            _ when ReleaseStages.IsPastWatch(record?.Stage) => met,
            _ => "Not judged yet: " + (record?.StatusReason ?? "the release is in progress"),
        };

        // A notice sent late (a release requested after it was due) says so in every template's layout.
        var late = facts.GetValueOrDefault(NoticeFacts.LateDue) is { } due
            && DateTimeOffset.TryParse(due, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var dueAt)
                ? $"This notice is late: it was due {Local(dueAt)}, before the release was requested."
                : null;
        // The confirmation the notice asks for (the T-3 deployment readiness) or reports missing: what, who gives it and how,
        // when its absence warns, whether it is recorded; and the Deployment gate's items as the checklist it confirms.
        var confirm = facts.GetValueOrDefault(NoticeFacts.ConfirmItem) is { } confirmItem
            ? policy.Communications.Select(c => c.Confirm).OfType<CommunicationConfirmation>().FirstOrDefault(c => string.Equals(c.Item, confirmItem, StringComparison.OrdinalIgnoreCase))
            : null;
        var keyDates = CommunicationSchedule.For(policy, releaseAt == DateTimeOffset.MinValue ? DateTimeOffset.UnixEpoch : releaseAt, DateTimeOffset.MinValue);
        // Confirmed as the timeline judges it (CheckConfirmation): by a holder of the roles, or one whose claims grant them.
        var confirmed = confirm is null ? null : CheckConfirmation.Find(events, ConfirmationQuery.For(request.Id, confirm, approvers));
        var verdicts = (record?.Gates ?? []).GroupBy(g => g.Item, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Last().Verdict, StringComparer.OrdinalIgnoreCase);
        return new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["confirmation"] = confirm is null ? Row(("asked", false)) : Row(
                ("asked", true), ("item", confirm.Item), ("description", confirm.Description), ("roles", string.Join(" or ", confirm.Roles)),
                ("people", string.Join(", ", confirm.Roles.SelectMany(r => approvers.GetValueOrDefault(r) ?? []).Distinct(StringComparer.OrdinalIgnoreCase))),
                ("page", $"{publicBaseUrl.TrimEnd('/')}{Dashboard.DashboardRoutes.Release(request.Id)}"), ("api", link + "/evidence"),
                ("warnAt", keyDates.FirstOrDefault(k => k.Id == confirm.WarnAt) is { } warnAt ? $"{warnAt.Description} ({Local(warnAt.At)})" : confirm.WarnAt),
                ("confirmed", confirmed is { Confirmed: true, At: { } confirmedAt } ? $"confirmed by {confirmed.By} at {Local(confirmedAt)}" : string.Empty)),
            // The reader's own feedback link, on a notice asking for feedback (each reader gets it alone).
            ["feedback"] = Row(("link", facts.GetValueOrDefault(NoticeFacts.FeedbackLink) ?? string.Empty)),
            // A meeting's invite, move or cancellation: when (local), what changed and why.
            ["meeting"] = notice.Meeting is not { } meeting ? Row(("defined", false)) : Row(
                ("defined", true), ("id", meeting.MeetingId), ("description", meeting.Description), ("start", Local(meeting.Start)), ("end", Local(meeting.End)),
                ("state", meeting.Cancelled ? "cancelled" : meeting.PreviousStart is null ? "invited" : "moved"),
                ("previousStart", meeting.PreviousStart is { } before ? Local(before) : string.Empty), ("reason", meeting.Reason)),
            // The Deployment gate's items and the documents the release's type requires (items of its gate before production).
            ["checklist"] = (policy.QualityGates.GetValueOrDefault(GateKind.Deployment)?.Items ?? [])
                .Concat(policy.ReleaseTypes.ContainsKey(request.Type) ? ReleaseDocuments.ItemsFor(policy, request.Type, DeploymentEnvironment.Production) : [])
                .Select(i => Row(("item", i.Id), ("description", i.Description), ("verdict", verdicts.GetValueOrDefault(i.Id) ?? "not evaluated yet"))).ToList(),
            ["notice"] = Row(
                ("id", notice.NoticeId), ("template", notice.Template), ("description", notice.Description ?? notice.Subject), ("late", late),
                ("reason", facts.GetValueOrDefault(NoticeFacts.Reason)), ("outcome", facts.GetValueOrDefault(NoticeFacts.Outcome)),
                ("previousTargetDate", facts.GetValueOrDefault(NoticeFacts.PreviousTargetDate)), ("text", notice.Text)),
            ["release"] = Row(
                ("id", request.Id), ("title", request.Title), ("type", request.Type.ToString()), ("systems", string.Join(", ", request.Systems)),
                ("targetDate", request.TargetDate == DateOnly.MinValue ? string.Empty : request.TargetDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
                ("requestedBy", request.RequestedBy ?? "(not given)"), ("changeCategory", request.EffectiveChangeCategory.ToString()),
                ("status", outcome ?? Text(record?.Status)), ("phase", Text(record?.Phase)), ("stage", record?.Stage),
                ("statusReason", outcome is null ? record?.StatusReason : facts.GetValueOrDefault(NoticeFacts.Reason)),
                ("risk", record?.Risk ?? "(not assessed yet)"), ("link", link), ("notesLink", link + "/notes")),
            ["timeZone"] = zone.Id,
            ["window"] = window is null
                ? Row(("start", releaseAt == DateTimeOffset.MinValue ? string.Empty : Local(releaseAt)), ("end", "(no production window that day)"), ("defined", false))
                : Row(("start", Local(window.Start)), ("end", Local(window.End)), ("defined", true)),
            ["keyDates"] = keyDates
                .Select(c => Row(("id", c.Id), ("description", c.Description), ("at", Local(c.At)))).ToList(),
            ["codeFreeze"] = policy.Communications.FirstOrDefault(c => c.Id == "feature-freeze") is { } freeze && releaseAt != DateTimeOffset.MinValue
                ? Local(releaseAt + freeze.Offset) : string.Empty,
            // Who approves the plan: the type's roles with those the risk, the category and the admission add.
            ["planApprovers"] = (record is null ? ApprovalPlan.For(policy, request) : ApprovalPlan.For(policy, record)).Plan.RequiredRoles
                .Select(role => Row(("role", role), ("people", string.Join(", ", approvers.GetValueOrDefault(role) ?? [])))).ToList(),
            ["contacts"] = new[] { PolicyRoles.ReleaseManager, PolicyRoles.TechnicalLead }
                .Select(role => Row(("role", role), ("people", string.Join(", ", approvers.GetValueOrDefault(role) ?? ["(nobody named)"])))).ToList(),
            // The code-freeze milestone's state, as the T-14 notice names it: when the pipeline (or a person) reported it, or not yet.
            ["codeFreezeMilestone"] = reachedAt.TryGetValue(CodeFreezeMilestone, out var freezeReachedAt)
                ? Row(("defined", true), ("reached", true), ("state", $"reached {Local(freezeReachedAt)}"))
                : Row(("defined", policy.Promotion.Milestones.Contains(CodeFreezeMilestone, StringComparer.OrdinalIgnoreCase)), ("reached", false), ("state", "not reached yet")),
            ["milestonesReached"] = policy.Promotion.Milestones.Where(reached.Contains).ToList(),
            ["milestonesMissing"] = policy.Promotion.Milestones.Where(m => !reached.Contains(m)).ToList(),
            ["gates"] = (record?.Gates ?? []).Select(g => Row(("item", g.Item), ("verdict", g.Verdict), ("reason", g.Reason))).ToList(),
            ["pendingApprovals"] = (record?.PendingApprovals ?? [])
                .Select(p => Row(("stage", p.Stage), ("missingRoles", string.Join(", ", p.MissingRoles)), ("deadline", Local(p.Deadline)))).ToList(),
            ["approvals"] = context.Timeline.Where(t => t.Kind == TimelineKinds.Approval).Select(t => Row(("at", Local(t.At)), ("message", t.Message))).ToList(),
            ["rollbackPlan"] = record?.Gates?.FirstOrDefault(g => g.Item.Contains("rollback", StringComparison.OrdinalIgnoreCase)) is { } plan
                ? $"{plan.Item}: {plan.Verdict}" : "(no rollback-plan evidence recorded)",
            ["environments"] = policy.Environments.Where(e => e.Key != DeploymentEnvironment.Production)
                .Select(e => Row(("name", e.Key.ToString()), ("purpose", e.Value.Purpose), ("data", e.Value.Data), ("access", e.Value.Access))).ToList(),
            ["deployments"] = deployments.Select(d => Row(("environment", d.Environment ?? "-"), ("system", SystemName(d.System)), ("at", Local(d.OccurredAt)), ("outcome", d.Outcome ?? "-"))).ToList(),
            ["rollbacks"] = rollbacks.Select(d => Row(("environment", d.Environment ?? "-"), ("system", SystemName(d.System)), ("at", Local(d.OccurredAt)), ("reason", d.Attribute(EventAttributes.Reason)))).ToList(),
            ["incidents"] = incidents.Select(d => Row(("incident", d.Attribute(EventAttributes.Incident) ?? "-"), ("system", SystemName(d.System)), ("at", Local(d.OccurredAt)), ("severity", d.Attribute(EventAttributes.Severity)))).ToList(),
            ["monitoring"] = monitoring.Select(t => Row(("at", Local(t.At)), ("message", t.Message))).ToList(),
            ["noMonitoringData"] = noData,
            ["verdict"] = verdict,
            ["figures"] = Row(
                ("leadTime", production is { } p1 && record is not null ? Elapsed(p1 - record.CreatedAt) : "(not deployed to production)"),
                ("deploymentTime", production is { } p2 && firstDeploy is { } f ? Elapsed(p2 - f) : "(not deployed to production)"),
                ("approvalWait", ApprovalWait(context.Timeline))),
            ["warnings"] = warnings.Select(x => Row(("code", x.Code), ("message", x.Message))).ToList(),
            ["changes"] = ReleaseNotes.Changes(events).Select(c => Row(("number", c.Number), ("title", c.Title), ("author", c.Author), ("url", c.Url), ("kind", ReleaseNotes.KindOf(c.Labels)))).ToList(),
        };
    }

    /// <summary>How long approvals kept the release waiting: from each approval request to its stage's last decision, summed.</summary>
    private static string ApprovalWait(IReadOnlyList<TimelineEntry> timeline)
    {
        var approvals = timeline.Where(t => t.Kind == TimelineKinds.Approval).OrderBy(t => t.At).ToArray();
        return approvals.Length < 2 ? "(not measured: fewer than two approval events)" : Elapsed(approvals[^1].At - approvals[0].At);
    }

    /// <summary>A measured duration as people read it, to the second at most: <c>59 s</c>, <c>4 min 5 s</c>, <c>3 h 12 min</c>, <c>2 d 4 h</c>.</summary>
    public static string Elapsed(TimeSpan duration)
    {
        var d = TimeSpan.FromSeconds(Math.Round(Math.Abs(duration.TotalSeconds)));
        var text = d switch
        {
            { TotalDays: >= 1 } => d.Hours == 0 ? $"{d.Days} d" : $"{d.Days} d {d.Hours} h",
            { TotalHours: >= 1 } => d.Minutes == 0 ? $"{d.Hours} h" : $"{d.Hours} h {d.Minutes} min",
            { TotalMinutes: >= 1 } => d.Seconds == 0 ? $"{d.Minutes} min" : $"{d.Minutes} min {d.Seconds} s",
            _ => $"{d.Seconds} s",
        };
        return duration < TimeSpan.Zero ? "-" + text : text;
    }
}
