using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using ReleaseManagement.Activities;
using ReleaseManagement.Approvals;
using ReleaseManagement.Events;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// Version 1 of the release lifecycle: planning, development, promotion Dev → Integration → Staging → Production,
/// post-deployment validation, rollback, the post-release watch and success criteria, the hotfix path with its
/// post-hoc review, and cancel. Every rule comes from the policy captured in the input. Deterministic: time from the
/// context, ids from <see cref="TaskOrchestrationContext.NewGuid"/>, logs replay-safe, side effects in activities.
/// </summary>
public sealed class ReleaseLifecycle
{
    private readonly TaskOrchestrationContext _context;
    private readonly ReleaseOrchestrationInput _input;
    private readonly ReleasePolicy _policy;
    private readonly ReleaseTypePolicy _typePolicy;
    private readonly ILogger _log;
    private readonly ReleaseInbox _inbox;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<string>> _approvers;
    private ReleaseRequest _release;
    private ReleasePhase _phase = ReleasePhase.Planning;
    private string? _stage;
    private int _sequence;
    private int _targetVersion;
    private string? _commsInstanceId;
    private RiskAssessment _risk = null!;

    public ReleaseLifecycle(TaskOrchestrationContext context, ReleaseOrchestrationInput input)
    {
        _context = context;
        _input = input;
        _release = input.Release;
        _policy = PolicyJson.Deserialize(input.PolicyJson);
        _typePolicy = _policy.ReleaseTypes[_release.Type];
        _log = context.CreateReplaySafeLogger(typeof(ReleaseLifecycle).FullName!);
        _inbox = new ReleaseInbox(context, _log)
        {
            OnEvent = e => TimelineAsync("event", Describe(e)),
            OnDecision = NoteStaleDecisionAsync,
        };
        _approvers = ApproverDirectory.Resolve(_policy, _release.Systems, _release.Approvers);
    }

    private DateTimeOffset Now => new(_context.CurrentUtcDateTime, TimeSpan.Zero);

    private string ReleaseId => _release.Id;

    public async Task<ReleaseOutcome> RunAsync()
    {
        ReleaseOutcome outcome;
        try
        {
            outcome = await RunPhasesAsync();
        }
        catch (ReleaseCancelledException e)
        {
            outcome = new ReleaseOutcome(ReleaseStatus.Cancelled, $"Cancelled by {e.Request.By}: {e.Request.Reason}");
        }

        if (_commsInstanceId is not null && outcome.Status != ReleaseStatus.Completed)
        {
            // Notices of a release that will not ship stop here.
            _context.SendEvent(_commsInstanceId, CommunicationsOrchestrator.StopEvent, outcome.Reason);
        }

        await PublishAsync(outcome.Status switch
        {
            ReleaseStatus.Completed => ReleaseLifecycleEventType.ReleaseCompleted,
            ReleaseStatus.Rejected => ReleaseLifecycleEventType.ReleaseRejected,
            ReleaseStatus.RolledBack => ReleaseLifecycleEventType.ReleaseRolledBack,
            ReleaseStatus.Cancelled => ReleaseLifecycleEventType.ReleaseCancelled,
            _ => ReleaseLifecycleEventType.ReleaseFailed,
        }, new() { ["reason"] = outcome.Reason });
        _phase = ReleasePhase.Closed;
        await RecordAsync(outcome.Status, outcome.Reason, "closed", kind: "outcome", pendingApprovals: []);
        _log.LogInformation("Release {ReleaseId} ended {Status}: {Reason}", ReleaseId, outcome.Status, outcome.Reason);
        return outcome;
    }

    private async Task<ReleaseOutcome> RunPhasesAsync()
    {
        // 1. Planning: risk, communication timeline, plan (or emergency) approval.
        _risk = RiskEvaluator.Assess(_policy.RiskMatrix, _release.Impact, _release.Probability);
        await PublishAsync(ReleaseLifecycleEventType.ReleaseStarted, new() { ["type"] = _release.Type.ToString() });
        await RecordAsync(ReleaseStatus.Active, $"Planning: risk {_risk.Level}.", "planning", kind: "phase",
            risk: $"{_risk.Level} (impact {_risk.Impact}, probability {_risk.Probability}): {_risk.Mitigation.Strategy}");
        StartCommunications();

        var planRule = _policy.PlanApprovalRule(_release.Type);
        if (_risk.Mitigation.ExtraApprovalRoles.Count > 0)
        {
            planRule = planRule with { RequiredRoles = [.. planRule.RequiredRoles.Union(_risk.Mitigation.ExtraApprovalRoles, StringComparer.Ordinal)] };
        }

        var plan = await ApproveAsync(_typePolicy.ApprovalStage, planRule);
        if (plan is not null)
        {
            return plan;
        }

        // 2. Development: milestones, then the development gate at Release Candidate (not on the compressed hotfix route).
        if (_typePolicy.PromotionRoute == PromotionRouteKind.Standard)
        {
            var development = await DevelopmentAsync();
            if (development is not null)
            {
                return development;
            }
        }

        // 3. Promotion through the route, deploying at each step.
        DateTimeOffset? productionDeployedAt = null;
        foreach (var step in _policy.PromotionRoute(_release.Type))
        {
            var failed = await PromoteAsync(step);
            if (failed is not null)
            {
                return failed;
            }

            if (step.To == DeploymentEnvironment.Production)
            {
                productionDeployedAt = Now;
            }
        }

        // 4. Post-deployment validation, 5. the watch and success criteria.
        var deployedAt = productionDeployedAt ?? Now;
        var validation = await ValidateAsync(deployedAt);
        if (validation is not null)
        {
            return validation;
        }

        var watched = await WatchAsync(deployedAt);
        if (watched is not null)
        {
            return watched;
        }

        if (_release.Type == ReleaseType.Hotfix)
        {
            await EmergencyReviewAsync(deployedAt);
        }

        if (_commsInstanceId is not null)
        {
            // The T+1 report and any notice still due belong to the release: wait for the timeline to finish.
            _phase = ReleasePhase.PostRelease;
            await RecordAsync(ReleaseStatus.Active, "Success criteria met; completing the communication timeline.", "communications");
            _context.SendEvent(_commsInstanceId, CommunicationsOrchestrator.FinishEvent, Now);
            await WaitAsync(() => false, null, _commsTask);
        }

        return new ReleaseOutcome(ReleaseStatus.Completed, "Released to production; success criteria met.");
    }

    private Task? _commsTask;

    private void StartCommunications()
    {
        _commsInstanceId = $"{ReleaseId}-comms";
        _commsTask = _context.CallSubOrchestratorAsync(
            OrchestratorNames.Communications,
            new CommunicationsInput(_release, _input.PolicyJson, Now),
            new TaskOptions().WithInstanceId(_commsInstanceId));
    }

    private async Task<ReleaseOutcome?> DevelopmentAsync()
    {
        _phase = ReleasePhase.Development;
        var milestones = _policy.Promotion.Milestones;
        await RecordAsync(ReleaseStatus.Active, $"Development: waiting for {string.Join(", ", milestones)}.", "milestones", kind: "phase");
        foreach (var milestone in milestones)
        {
            await WaitAsync(() => _inbox.Milestones.Contains(milestone), null);
            await TimelineAsync("milestone", $"Milestone {milestone} reached.");
        }

        return await GateAsync("gate:development", [GateKind.Development], []);
    }

    /// <summary>Evaluates gates until they pass; a failed or pending item waits for new evidence, an attestation or a waiver.</summary>
    private async Task<ReleaseOutcome?> GateAsync(string stage, IReadOnlyList<GateKind> gates, IReadOnlyList<string> extraItems)
    {
        _stage = stage;
        var items = gates.SelectMany(g => _policy.QualityGates[g].Items)
            .Concat(extraItems.Select(id => _policy.QualityGates.Values.SelectMany(g => g.Items).First(i => i.Id == id)))
            .DistinctBy(i => i.Id)
            .ToArray();
        if (items.Length == 0)
        {
            return null;
        }

        var gate = new QualityGate { Items = items };
        string? last = null;
        while (true)
        {
            var evaluation = GateEvaluator.Evaluate(gate, _inbox.GateInputs(), _approvers);
            var summary = string.Join("; ", evaluation.Items.Select(i => $"{i.Item} {i.Verdict}"));
            if (summary != last)
            {
                last = summary;
                await RecordAsync(ReleaseStatus.Active, $"Gate {stage}: {evaluation.Overall}.", stage, kind: "gate",
                    gates: evaluation.Items.Select(i => new GateItemStatus(i.Item, i.Verdict.ToString(), i.Reason)).ToArray());
            }

            if (evaluation.IsSatisfied)
            {
                return null;
            }

            var count = _inbox.Events.Count;
            await WaitAsync(() => _inbox.Events.Count > count, null);
        }
    }

    private async Task<ReleaseOutcome?> PromoteAsync(PromotionStep step)
    {
        var to = step.To.ToString().ToLowerInvariant();
        _phase = ReleasePhase.Promotion;
        _stage = $"promotion:{to}";
        await RecordAsync(ReleaseStatus.Active, $"Promotion {step.From} → {step.To}: waiting for {string.Join(", ", step.Trigger)}.", _stage, kind: "phase");

        await WaitAsync(() => step.Trigger.All(t => _inbox.Satisfied(t, _policy)), null);
        var gate = await GateAsync($"gate:{to}", step.Gates, step.Validation);
        if (gate is not null)
        {
            return gate;
        }

        if (step.ApprovalStage is { } approvalStage && _policy.Approvals.TryGetValue(approvalStage, out var rule))
        {
            var approval = await ApproveAsync(approvalStage, rule);
            if (approval is not null)
            {
                return approval;
            }
        }

        if (step.To == DeploymentEnvironment.Production && _typePolicy.UsesReleaseWindows)
        {
            await WaitForWindowAsync();
        }

        return await DeployAsync(step.To, rollback: false, reason: null);
    }

    private async Task WaitForWindowAsync()
    {
        _stage = "window";
        while (true)
        {
            var zone = PolicyTime.Zone(_policy);
            var from = PolicyTime.StartOfDay(zone, _release.TargetDate);
            var window = WindowCalendar.NextWindow(_policy, from > Now ? from : Now);
            if (window is null)
            {
                await RecordAsync(ReleaseStatus.Active, "No production window opens in the policy's horizon; waiting for a new target date.", "window");
                var version = _targetVersion;
                await WaitAsync(() => _targetVersion != version, null);
                continue;
            }

            if (window.Contains(Now))
            {
                await TimelineAsync("window", $"Production window open until {window.End:u}.");
                return;
            }

            await RecordAsync(ReleaseStatus.Active, $"Waiting for the production window at {window.Start:u}.", "window", kind: "window");
            var current = _targetVersion;
            if (!await WaitAsync(() => _targetVersion != current, window.Start.UtcDateTime))
            {
                await TimelineAsync("window", $"Production window opened at {window.Start:u}.");
                return;
            }
        }
    }

    private async Task<ReleaseOutcome?> DeployAsync(DeploymentEnvironment environment, bool rollback, string? reason)
    {
        var env = environment.ToString().ToLowerInvariant();
        _phase = rollback ? ReleasePhase.Validation : ReleasePhase.Deployment;
        var strategy = _risk.Mitigation.PhasedRolloutRequired ? "canary" : "blue-green";
        var requestId = _context.NewGuid().ToString("N");
        var since = _inbox.Events.Count;
        await _context.CallActivityAsync<bool>(
            ActivityNames.RequestDeployment,
            new DeploymentRequest(requestId, ReleaseId, env, strategy, _release.Systems, rollback, reason),
            ReleaseOrchestrator.ActivityRetry);
        await RecordAsync(ReleaseStatus.Active,
            rollback ? $"Rollback of {env} requested: {reason}" : $"Deployment to {env} requested ({strategy}).",
            rollback ? $"rollback:{env}" : $"deploy:{env}", kind: rollback ? "rollback" : "deployment");

        var expected = rollback ? CanonicalEventType.ServiceRolledBack : CanonicalEventType.ServiceDeployed;
        CanonicalEvent? Outcome() => _inbox.Events.Skip(since).FirstOrDefault(e =>
            e.Type == expected && string.Equals(e.Environment, env, StringComparison.OrdinalIgnoreCase));

        var timeout = rollback ? _input.Timings.RollbackTimeout : _input.Timings.DeploymentTimeout;
        if (!await WaitAsync(() => Outcome() is not null, Now.Add(timeout).UtcDateTime))
        {
            return new ReleaseOutcome(ReleaseStatus.Failed,
                $"{(rollback ? "Rollback of" : "Deployment to")} {env} reported no outcome within {PolicyTime.Describe(timeout)}.");
        }

        var outcome = Outcome()!;
        if (outcome.Outcome == EventOutcomes.Failure || outcome.Outcome == EventOutcomes.Cancelled)
        {
            return new ReleaseOutcome(ReleaseStatus.Failed,
                $"{(rollback ? "Rollback of" : "Deployment to")} {env} {outcome.Outcome}" + (outcome.Attribute(EventAttributes.Reason) is { } r ? $": {r}" : "."));
        }

        await TimelineAsync(rollback ? "rollback" : "deployment", rollback ? $"Rolled back in {env}." : $"Deployed to {env}.");
        return null;
    }

    private async Task<ReleaseOutcome?> ValidateAsync(DateTimeOffset deployedAt)
    {
        _phase = ReleasePhase.Validation;
        var check = await CheckHealthAsync(deployedAt);
        await RecordAsync(ReleaseStatus.Active,
            check.Breached ? $"Post-deployment validation breached: {string.Join("; ", check.Breaches)}" : "Post-deployment validation passed.",
            "validation", kind: "validation");
        return check.Breached ? await RollBackAsync(string.Join("; ", check.Breaches)) : null;
    }

    private async Task<ReleaseOutcome?> WatchAsync(DateTimeOffset deployedAt)
    {
        _phase = ReleasePhase.PostRelease;
        var criteria = _policy.SuccessCriteria;
        await RecordAsync(ReleaseStatus.Active, $"Watching for {PolicyTime.Describe(criteria.WatchDuration)}.", "watch", kind: "phase");
        var watchId = $"{ReleaseId}-watch";
        var watch = _context.CallSubOrchestratorAsync<WatchResult>(
            OrchestratorNames.Watch,
            new WatchInput(ReleaseId, HealthInput(deployedAt, deployedAt).Query, Thresholds(), deployedAt, deployedAt + criteria.WatchDuration, criteria.CheckInterval, 0, []),
            new TaskOptions().WithInstanceId(watchId));

        var breachesBefore = _inbox.HealthBreaches.Count;
        bool CriticalIncident() => CriticalIncidents(deployedAt) > criteria.MaxCriticalIssues;
        await WaitAsync(() => _inbox.HealthBreaches.Count > breachesBefore || CriticalIncident(), null, watch);

        string? breach = null;
        if (watch.IsCompleted)
        {
            var result = await watch;
            breach = result.Breach;
        }
        else
        {
            _context.SendEvent(watchId, WatchOrchestrator.StopEvent, "breach reported");
            breach = CriticalIncident()
                ? $"{CriticalIncidents(deployedAt)} critical incident(s) during the watch (at most {criteria.MaxCriticalIssues} allowed)"
                : HealthEvaluator.Breaches(_inbox.HealthBreaches[^1], Thresholds()) is { Count: > 0 } b ? string.Join("; ", b) : "health breach reported by the monitor";
        }

        if (breach is null && CriticalIncident())
        {
            breach = $"{CriticalIncidents(deployedAt)} critical incident(s) during the watch";
        }

        if (breach is not null)
        {
            await TimelineAsync("watch", $"Watch breached: {breach}");
            return await RollBackAsync(breach);
        }

        await RecordAsync(ReleaseStatus.Active, "Watch passed: zero critical issues and performance targets met.", "success-criteria", kind: "watch");
        return null;
    }

    private int CriticalIncidents(DateTimeOffset since) => _inbox.Events.Count(e =>
        e.Type == CanonicalEventType.IncidentDetected && e.OccurredAt >= since
        && string.Equals(e.Attribute(EventAttributes.Severity), "critical", StringComparison.OrdinalIgnoreCase));

    private async Task<ReleaseOutcome> RollBackAsync(string reason)
    {
        var failed = await DeployAsync(DeploymentEnvironment.Production, rollback: true, reason);
        return failed ?? new ReleaseOutcome(ReleaseStatus.RolledBack, $"Rolled back: {reason}");
    }

    private async Task EmergencyReviewAsync(DateTimeOffset deployedAt)
    {
        var review = _policy.EmergencyReview;
        var due = deployedAt + review.DueAfter;
        const string item = "emergency-review";
        bool Done() => _inbox.Events.Any(e => e.Type == CanonicalEventType.GateEvidence && e.Attribute(EventAttributes.GateItem) == item);
        await RecordAsync(ReleaseStatus.Active, $"Emergency change review due by {due:u}.", "emergency-review", kind: "review");
        var reviewers = review.ReviewerRoles.SelectMany(r => _approvers.TryGetValue(r, out var p) ? p : []).ToArray();

        if (!await WaitAsync(Done, (due - review.ReminderBefore).UtcDateTime))
        {
            await NoticeAsync("review-reminder", $"Emergency change review of {ReleaseId} due {due:u}",
                $"The emergency change review of hotfix {ReleaseId} is due by {due:u}. Record it with evidence item '{item}'.", reviewers);
            await TimelineAsync("review", "Review reminder sent.");
        }

        if (!await WaitAsync(Done, due.UtcDateTime))
        {
            var contacts = Resolve(review.EscalationContacts);
            await NoticeAsync("review-escalation", $"OVERDUE: emergency change review of {ReleaseId}",
                $"The emergency change review of hotfix {ReleaseId} was due by {due:u} and is overdue.", [.. contacts, .. reviewers]);
            await RecordAsync(ReleaseStatus.Active, "Emergency change review overdue: escalated.", "emergency-review", kind: "review");
            await WaitAsync(Done, (due + review.DueAfter).UtcDateTime);
        }

        await TimelineAsync("review", Done() ? "Emergency change review recorded." : "Emergency change review still missing after escalation.");
    }

    /// <summary>
    /// Runs one approval stage: emails every approver, reminds before the deadline, escalates at it when the rule says so,
    /// and applies the quorum to each decision. Returns null when approved, else the outcome that ends the release.
    /// </summary>
    private async Task<ReleaseOutcome?> ApproveAsync(string stage, ApprovalRule rule)
    {
        _stage = stage;
        var roles = rule.RequiredRoles.Distinct(StringComparer.Ordinal).ToArray();
        var deadline = Now + rule.Timeout;
        var round = 1;
        var refs = Refs(roles, rule);
        await _context.CallActivityAsync<RequestApprovalsResult>(
            ActivityNames.RequestApprovals,
            new RequestApprovalsInput(ReleaseId, stage, round, ApprovalKind.Request, refs, deadline, $"{_risk.Level}", null),
            ReleaseOrchestrator.ActivityRetry);
        await PublishAsync(ReleaseLifecycleEventType.ApprovalRequested, new() { ["stage"] = stage, ["deadline"] = deadline.ToString("O") });
        await RecordAsync(ReleaseStatus.Active, $"Awaiting {stage} approval from {string.Join(", ", roles)}.", stage, kind: "approval",
            pendingApprovals: [new PendingApproval(stage, roles, deadline)]);

        var reminded = rule.ReminderBefore <= TimeSpan.Zero || rule.ReminderBefore >= rule.Timeout;
        var escalated = false;
        var counted = 0;
        while (true)
        {
            var evaluation = ApprovalQuorum.Evaluate(stage, rule, _approvers, _release.RequestedBy, _inbox.Decisions.Where(d => d.Stage == stage));
            foreach (var refused in evaluation.Decisions.Skip(counted).Where(d => d.Outcome == DecisionOutcome.Refused))
            {
                await TimelineAsync("approval", $"Decision by {refused.Decision.Approver} on {stage} refused: {refused.Reason}");
            }

            counted = evaluation.Decisions.Count;
            if (evaluation.Status != ApprovalStatus.Pending)
            {
                _closedStages.Add(stage);
                var approved = evaluation.Status == ApprovalStatus.Approved;
                await CloseStageAsync(stage, approved ? "approved" : "rejected");
                await PublishAsync(approved ? ReleaseLifecycleEventType.ApprovalGranted : ReleaseLifecycleEventType.ApprovalRejected,
                    new() { ["stage"] = stage, ["by"] = evaluation.DecisiveDecision?.Approver ?? string.Empty });
                await RecordAsync(ReleaseStatus.Active, $"{stage}: {evaluation.Summary}", stage, kind: "approval", pendingApprovals: []);
                return approved ? null : new ReleaseOutcome(ReleaseStatus.Rejected, $"{stage} {evaluation.Summary.TrimEnd('.')}.");
            }

            var wakeAt = reminded ? deadline : deadline - rule.ReminderBefore;
            var decisions = _inbox.Decisions.Count;
            if (await WaitAsync(() => _inbox.Decisions.Count > decisions, wakeAt.UtcDateTime))
            {
                continue;
            }

            if (!reminded)
            {
                reminded = true;
                var waitingFor = Refs(evaluation.MissingRoles, rule)
                    .Where(r => !evaluation.Decisions.Any(d => string.Equals(d.Decision.Approver, r.Email, StringComparison.OrdinalIgnoreCase)))
                    .ToArray();
                await _context.CallActivityAsync<RequestApprovalsResult>(
                    ActivityNames.RequestApprovals,
                    new RequestApprovalsInput(ReleaseId, stage, ++round, ApprovalKind.Reminder, waitingFor, deadline, $"{_risk.Level}", null),
                    ReleaseOrchestrator.ActivityRetry);
                await TimelineAsync("approval", $"Reminder sent for {stage} to {waitingFor.Length} approver(s).");
                continue;
            }

            if (rule.OnTimeout == TimeoutOutcome.EscalateThenReject && !escalated)
            {
                escalated = true;
                deadline = Now + rule.EscalationTimeout;
                var contacts = Resolve(rule.EscalationContacts).Select(c => new ApproverRef(c, "escalation"))
                    .Concat(Refs(evaluation.MissingRoles, rule)).DistinctBy(r => r.Email.ToLowerInvariant()).ToArray();
                await _context.CallActivityAsync<RequestApprovalsResult>(
                    ActivityNames.RequestApprovals,
                    new RequestApprovalsInput(ReleaseId, stage, ++round, ApprovalKind.Escalation, contacts, deadline, $"{_risk.Level}", null),
                    ReleaseOrchestrator.ActivityRetry);
                await RecordAsync(ReleaseStatus.Active, $"{stage} approval escalated to {string.Join(", ", rule.EscalationContacts)}.", stage,
                    kind: "approval", pendingApprovals: [new PendingApproval(stage, evaluation.MissingRoles, deadline)]);
                continue;
            }

            _closedStages.Add(stage);
            await CloseStageAsync(stage, "expired");
            await PublishAsync(ReleaseLifecycleEventType.ApprovalExpired, new() { ["stage"] = stage });
            return new ReleaseOutcome(ReleaseStatus.Rejected,
                $"{stage} approval timed out{(escalated ? " after escalation" : string.Empty)}: no decision from {string.Join(", ", evaluation.MissingRoles)}.");
        }
    }

    /// <summary>
    /// A decision on a stage already decided or expired changes nothing: logged and noted on the timeline. A decision on a
    /// stage not reached yet is kept and counts when the stage opens (events are never lost).
    /// </summary>
    private Task NoteStaleDecisionAsync(ApprovalDecision decision)
    {
        if (!_closedStages.Contains(decision.Stage))
        {
            return Task.CompletedTask;
        }

        _log.LogInformation("Decision {DecisionId} on closed stage {Stage} of release {ReleaseId} ignored", decision.DecisionId, decision.Stage, ReleaseId);
        return TimelineAsync("approval", $"Decision by {decision.Approver} on {decision.Stage} ignored: that stage is closed.");
    }

    private readonly HashSet<string> _closedStages = new(StringComparer.Ordinal);

    private ApproverRef[] Refs(IEnumerable<string> roles, ApprovalRule rule) =>
        roles.SelectMany(role => (_approvers.TryGetValue(role, out var people) ? people : []).Select(p => new ApproverRef(p, role)))
            .Where(r => rule.RequesterMayApprove || !string.Equals(r.Email, _release.RequestedBy, StringComparison.OrdinalIgnoreCase))
            .ToArray();

    /// <summary>Contacts are role names (resolved like approvers) or email addresses.</summary>
    private string[] Resolve(IEnumerable<string> contacts) =>
        contacts.SelectMany(c => c.Contains('@') ? [c] : _approvers.TryGetValue(c, out var people) ? people : [])
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();

    private Task CloseStageAsync(string stage, string reason) =>
        _context.CallActivityAsync<CloseApprovalStageResult>(
            ActivityNames.CloseApprovalStage, new CloseApprovalStageInput(ReleaseId, stage, $"The {stage} stage was {reason}."), ReleaseOrchestrator.ActivityRetry);

    private async Task<HealthCheckResult> CheckHealthAsync(DateTimeOffset deployedAt) =>
        await _context.CallActivityAsync<HealthCheckResult>(ActivityNames.CheckReleaseHealth, HealthInput(deployedAt, Now), ReleaseOrchestrator.ActivityRetry);

    private HealthCheckInput HealthInput(DateTimeOffset deployedAt, DateTimeOffset until)
    {
        var length = until - deployedAt < _policy.SuccessCriteria.CheckInterval ? _policy.SuccessCriteria.CheckInterval : until - deployedAt;
        return new HealthCheckInput(
            new HealthQuery(ReleaseId, _release.Systems, deployedAt, deployedAt + length, deployedAt - length, deployedAt),
            Thresholds());
    }

    private Dictionary<string, PerformanceThresholds> Thresholds() => _release.Systems.ToDictionary(
        s => s,
        s => ApproverDirectory.FindSystem(_policy, s)?.Thresholds ?? _policy.SuccessCriteria.DefaultThresholds,
        StringComparer.OrdinalIgnoreCase);

    private Task NoticeAsync(string noticeId, string subject, string text, IReadOnlyList<string> recipients) =>
        _context.CallActivityAsync<int>(ActivityNames.SendReleaseNotice, new ReleaseNotice(ReleaseId, noticeId, subject, text, recipients), ReleaseOrchestrator.ActivityRetry);

    /// <summary>Waits through <see cref="ReleaseInbox"/>, applying any target-date change on the way.</summary>
    private async Task<bool> WaitAsync(Func<bool> done, DateTime? deadline, Task? alsoWakeOn = null)
    {
        while (true)
        {
            var satisfied = await _inbox.WaitUntilAsync(done, deadline, alsoWakeOn);
            await HandleReschedulesAsync();
            if (!satisfied)
            {
                return false;
            }

            if (done() || alsoWakeOn?.IsCompleted == true)
            {
                return true;
            }
        }
    }

    private async Task HandleReschedulesAsync()
    {
        while (_inbox.Reschedules.TryDequeue(out var change))
        {
            if (_phase is ReleasePhase.Deployment or ReleasePhase.Validation or ReleasePhase.PostRelease)
            {
                await TimelineAsync("reschedule", $"Target date change to {change.TargetDate:yyyy-MM-dd} by {change.By} ignored: production deployment already under way.");
                continue;
            }

            var previous = _release.TargetDate;
            _release = _release with { TargetDate = change.TargetDate };
            _targetVersion++;
            if (_commsInstanceId is not null)
            {
                _context.SendEvent(_commsInstanceId, CommunicationsOrchestrator.RescheduleEvent, change.TargetDate);
            }

            await RecordAsync(ReleaseStatus.Active, $"Target date moved from {previous:yyyy-MM-dd} to {change.TargetDate:yyyy-MM-dd} by {change.By}.",
                _stage ?? "planning", kind: "reschedule", targetDate: change.TargetDate);
        }
    }

    private Task PublishAsync(ReleaseLifecycleEventType type, Dictionary<string, string> data) =>
        _context.CallActivityAsync<bool>(
            PublishReleaseEvent.Name,
            new ReleaseLifecycleEvent(_context.NewGuid().ToString("N"), ReleaseId, type, Now, data),
            ReleaseOrchestrator.ActivityRetry);

    private Task TimelineAsync(string kind, string message) =>
        RecordAsync(ReleaseStatus.Active, null, _stage, kind, message: message);

    private Task RecordAsync(
        ReleaseStatus status,
        string? reason,
        string? stage,
        string kind = "status",
        IReadOnlyList<GateItemStatus>? gates = null,
        IReadOnlyList<PendingApproval>? pendingApprovals = null,
        string? risk = null,
        DateOnly? targetDate = null,
        string? message = null)
    {
        _stage = stage ?? _stage;
        _lastReason = reason ?? _lastReason;
        var line = new TimelineEntry(++_sequence, Now, _phase, kind, message ?? reason ?? string.Empty);
        return _context.CallActivityAsync(
            ActivityNames.RecordReleaseStatus,
            new ReleaseStatusUpdate(ReleaseId, _phase, status, _lastReason, Now, _stage, gates, pendingApprovals, line, targetDate, risk),
            ReleaseOrchestrator.ActivityRetry);
    }

    private string _lastReason = "Submitted.";

    private static string Describe(CanonicalEvent e) =>
        $"{e.Type} from {e.Source}" + (e.Environment is { } env ? $" ({env})" : string.Empty) + (e.Outcome is { } o ? $": {o}" : string.Empty)
        + (e.Attribute(EventAttributes.Milestone) ?? e.Attribute(EventAttributes.GateItem)) switch { { } x => $" [{x}]", _ => string.Empty };
}
