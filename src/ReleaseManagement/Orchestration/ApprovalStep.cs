using Microsoft.Extensions.Logging;
using ReleaseManagement.Activities;
using ReleaseManagement.Approvals;
using ReleaseManagement.Events;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// One approval stage: emails every approver, reminds before the deadline, escalates at it when the rule says so, and
/// applies the quorum to each decision. Who is asked and when to wake are <see cref="ApprovalRounds"/>'s decisions.
/// Approvers see the stage's gate verdicts; while a gate that blocks is failing, an approval is refused unless the rule
/// allows it (<see cref="ApprovalRule.AllowWithFailingGates"/>), and <see cref="ApprovalGates"/> says why.
/// </summary>
internal sealed class ApprovalStep(LifecycleState state, StatusRecorder status, LifecycleWait wait)
{
    /// <summary>
    /// Returns null when approved, else the outcome that ends the release. <paramref name="gate"/> is the stage's gate,
    /// shown to approvers; with <paramref name="gateBlocks"/> its failure refuses approvals (unless the rule allows them).
    /// </summary>
    public async Task<ReleaseOutcome?> RunAsync(
        string stage, ApprovalRule rule, QualityGate? gate = null, bool gateBlocks = true, DeploymentEnvironment? environment = null)
    {
        state.Stage = stage;
        var requestedBy = state.Release.RequestedBy;
        var roles = rule.RequiredRoles.Distinct(StringComparer.Ordinal).ToArray();
        var deadline = state.Now + rule.Timeout;
        var round = 1;
        var gates = EvaluateGate(gate, environment);
        var blockedBy = ApprovalGates.BlockedBy(gates, rule, gateBlocks);
        var refused = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await AskAsync(stage, round, ApprovalKind.Request, ReleaseContacts.Approvers(state.Approvers, roles, rule, requestedBy), deadline, gates, blockedBy, []);
        await status.PublishAsync(ReleaseEventType.ApprovalRequested, new() { ["stage"] = stage, ["deadline"] = deadline.ToString("O") });
        IReadOnlyList<string> missing = roles;
        await status.RecordAsync(new StatusRecord($"Awaiting {stage} approval from {string.Join(", ", roles)}.", stage, TimelineKinds.Approval)
        {
            PendingApprovals = [new PendingApproval(stage, roles, deadline, GateStep.Statuses(gates), blockedBy)],
        });

        var reminderDue = ApprovalRounds.RemindsBeforeDeadline(rule);
        var escalated = false;
        var counted = 0;
        while (true)
        {
            // The gate as it stands now: new evidence may fail (or fix) it while the approvers decide.
            var now = EvaluateGate(gate, environment);
            var nowBlockedBy = ApprovalGates.BlockedBy(now, rule, gateBlocks);
            if (ApprovalGates.Signature(now) != ApprovalGates.Signature(gates) || nowBlockedBy != blockedBy)
            {
                (gates, blockedBy) = (now, nowBlockedBy);
                await status.RecordAsync(new StatusRecord(
                    $"Gate of {stage}: {now.Overall}" + (blockedBy is null ? "." : $"; approvals are not accepted: {blockedBy}"), stage, TimelineKinds.Gate)
                {
                    PendingApprovals = [new PendingApproval(stage, missing, deadline, GateStep.Statuses(gates), blockedBy)],
                });
            }

            foreach (var d in state.Inbox.Decisions.Where(d => d.Stage == stage && seen.Add(d.DecisionId)))
            {
                if (d.Approved && blockedBy is not null)
                {
                    refused.Add(d.DecisionId);
                    await status.TimelineAsync(TimelineKinds.Approval, $"Approval by {d.DecidedBy} on {stage} refused: {blockedBy}");
                }
            }

            var evaluation = ApprovalQuorum.Evaluate(stage, rule, state.Approvers, requestedBy,
                state.Inbox.Decisions.Where(d => d.Stage == stage && !refused.Contains(d.DecisionId)));
            foreach (var refusedByQuorum in evaluation.Decisions.Skip(counted).Where(d => d.Outcome == DecisionOutcome.Refused))
            {
                await status.TimelineAsync(TimelineKinds.Approval, $"Decision by {refusedByQuorum.Decision.DecidedBy} on {stage} refused: {refusedByQuorum.Reason}");
            }

            counted = evaluation.Decisions.Count;
            missing = evaluation.MissingRoles;
            if (evaluation.Status != ApprovalStatus.Pending)
            {
                return await DecidedAsync(stage, evaluation);
            }

            var decisions = state.Inbox.Decisions.Count;
            var events = state.Inbox.Events.Count;
            if (await wait.UntilAsync(
                () => state.Inbox.Decisions.Count > decisions || (gate is not null && state.Inbox.Events.Count > events),
                ApprovalRounds.NextWake(rule, deadline, reminderDue)))
            {
                continue;
            }

            if (reminderDue)
            {
                reminderDue = false;
                var waitingFor = ApprovalRounds.ReminderRecipients(
                    state.Approvers, rule, requestedBy, evaluation.MissingRoles, evaluation.Decisions.Select(d => d.Decision.Approver));
                await AskAsync(stage, ++round, ApprovalKind.Reminder, waitingFor, deadline, gates, blockedBy, Decided(evaluation));
                await status.TimelineAsync(TimelineKinds.Approval, $"Reminder sent for {stage} to {waitingFor.Count} approver(s).");
                continue;
            }

            if (ApprovalRounds.EscalatesAtDeadline(rule, escalated))
            {
                escalated = true;
                deadline = state.Now + rule.EscalationTimeout;
                await AskAsync(stage, ++round, ApprovalKind.Escalation,
                    ApprovalRounds.EscalationRecipients(state.Approvers, rule, requestedBy, evaluation.MissingRoles), deadline, gates, blockedBy, Decided(evaluation));
                await status.RecordAsync(new StatusRecord(
                    $"{stage} approval escalated to {string.Join(", ", rule.EscalationContacts)}.", stage, TimelineKinds.Approval)
                {
                    PendingApprovals = [new PendingApproval(stage, evaluation.MissingRoles, deadline, GateStep.Statuses(gates), blockedBy)],
                });
                continue;
            }

            state.ClosedStages.Add(stage);
            await CloseAsync(stage, "expired");
            await status.PublishAsync(ReleaseEventType.ApprovalExpired, new() { ["stage"] = stage });
            return new ReleaseOutcome(ReleaseStatus.Rejected,
                $"{stage} approval timed out{(escalated ? " after escalation" : string.Empty)}: no decision from {string.Join(", ", evaluation.MissingRoles)}.");
        }
    }

    /// <summary>
    /// A stage the release's change category does not route through: nobody is asked; the timeline says it was
    /// pre-approved, and the stage is closed as skipped (a decision on it is refused; the approval metrics count it as skipped).
    /// </summary>
    public async Task SkipAsync(string stage)
    {
        var category = state.Release.EffectiveChangeCategory;
        state.ClosedStages.Add(stage);
        var reason = $"Pre-approved: {category} change ({stage} approval is not on its approval route).";
        await status.FlushAsync();
        var close = new CloseApprovalStageInput(state.ReleaseId, stage, reason, Skipped: true);
        await state.Effects.RunAsync(Effect.CloseStage(stage), () => state.Context.CloseApprovalStageAsync(close));
        await status.TimelineAsync(TimelineKinds.Approval, reason);
    }

    /// <summary>
    /// A decision on a stage already decided or expired changes nothing: logged and noted on the timeline. A decision on a
    /// stage not reached yet is kept and counts when the stage opens (events are never lost).
    /// </summary>
    public Task NoteStaleDecisionAsync(ApprovalDecision decision)
    {
        if (!state.ClosedStages.Contains(decision.Stage))
        {
            return Task.CompletedTask;
        }

        state.Log.LogInformation("Decision {DecisionId} on closed stage {Stage} of release {ReleaseId} ignored", decision.DecisionId, decision.Stage, state.ReleaseId);
        return status.TimelineAsync(TimelineKinds.Approval, $"Decision by {decision.DecidedBy} on {decision.Stage} ignored: that stage is closed.");
    }

    private async Task<ReleaseOutcome?> DecidedAsync(string stage, ApprovalEvaluation evaluation)
    {
        state.ClosedStages.Add(stage);
        var approved = evaluation.Status == ApprovalStatus.Approved;
        await CloseAsync(stage, approved ? "approved" : "rejected");
        await status.PublishAsync(approved ? ReleaseEventType.ApprovalGranted : ReleaseEventType.ApprovalRejected,
            Decided(stage, evaluation.DecisiveDecision));
        await status.RecordAsync(new StatusRecord($"{stage}: {evaluation.Summary}", stage, TimelineKinds.Approval) { PendingApprovals = [] });
        return approved ? null : new ReleaseOutcome(ReleaseStatus.Rejected, $"{stage} {evaluation.Summary.TrimEnd('.')}.");
    }

    /// <summary>The data of a granted or rejected event: the stage, who decided, and whom they decided for under a delegation.</summary>
    private static Dictionary<string, string> Decided(string stage, ApprovalDecision? decisive)
    {
        var data = new Dictionary<string, string> { ["stage"] = stage, ["by"] = decisive?.Approver ?? string.Empty };
        if (decisive?.OnBehalfOf is { Length: > 0 } owner)
        {
            data["for"] = owner;
        }

        return data;
    }

    private GateEvaluation EvaluateGate(QualityGate? gate, DeploymentEnvironment? environment) =>
        gate is null ? new GateEvaluation([]) : StageGate.Evaluate(state.Policy, gate, state.Inbox.GateInputs(), state.Approvers, state.Now, environment, state.FourEyes);

    private static IReadOnlyList<string> Decided(ApprovalEvaluation evaluation) =>
        evaluation.Decisions.Where(d => d.Outcome is DecisionOutcome.Counted or DecisionOutcome.Refused).Select(d => $"{d.Decision.DecidedBy}{(d.Decision.Role is { } r ? $" ({r})" : string.Empty)}: "
            + (d.Outcome == DecisionOutcome.Refused ? $"not counted ({d.Reason})" : d.Decision.Approved ? "approved" : "rejected")).ToArray();

    private async Task AskAsync(
        string stage, int round, ApprovalKind kind, IReadOnlyList<ApproverRef> approvers, DateTimeOffset deadline,
        GateEvaluation gates, string? blockedBy, IReadOnlyList<string> decided)
    {
        var input = new RequestApprovalsInput(
            state.ReleaseId, stage, round, kind, approvers, deadline, RiskEvaluator.Describe(state.Risk),
            gates.Items.Count == 0 ? null : ReleaseGates.Summarize(gates), GateStep.Statuses(gates), blockedBy, decided);
        await status.FlushAsync();
        await state.Effects.RunAsync(Effect.ApprovalEmails(stage), () => state.Context.RequestApprovalsAsync(input));
    }

    private async Task CloseAsync(string stage, string how)
    {
        await status.FlushAsync();
        var close = new CloseApprovalStageInput(state.ReleaseId, stage, $"The {stage} stage was {how}.");
        await state.Effects.RunAsync(Effect.CloseStage(stage), () => state.Context.CloseApprovalStageAsync(close));
    }
}
