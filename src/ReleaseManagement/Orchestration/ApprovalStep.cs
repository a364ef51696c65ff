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
/// </summary>
internal sealed class ApprovalStep(LifecycleState state, StatusRecorder status, LifecycleWait wait)
{
    /// <summary>Returns null when approved, else the outcome that ends the release.</summary>
    public async Task<ReleaseOutcome?> RunAsync(string stage, ApprovalRule rule)
    {
        state.Stage = stage;
        var requestedBy = state.Release.RequestedBy;
        var roles = rule.RequiredRoles.Distinct(StringComparer.Ordinal).ToArray();
        var deadline = state.Now + rule.Timeout;
        var round = 1;
        await AskAsync(stage, round, ApprovalKind.Request, ReleaseContacts.Approvers(state.Approvers, roles, rule, requestedBy), deadline);
        await status.PublishAsync(ReleaseEventType.ApprovalRequested, new() { ["stage"] = stage, ["deadline"] = deadline.ToString("O") });
        await status.RecordAsync(new StatusRecord($"Awaiting {stage} approval from {string.Join(", ", roles)}.", stage, TimelineKinds.Approval)
        {
            PendingApprovals = [new PendingApproval(stage, roles, deadline)],
        });

        var reminderDue = ApprovalRounds.RemindsBeforeDeadline(rule);
        var escalated = false;
        var counted = 0;
        while (true)
        {
            var evaluation = ApprovalQuorum.Evaluate(stage, rule, state.Approvers, requestedBy, state.Inbox.Decisions.Where(d => d.Stage == stage));
            foreach (var refused in evaluation.Decisions.Skip(counted).Where(d => d.Outcome == DecisionOutcome.Refused))
            {
                await status.TimelineAsync(TimelineKinds.Approval, $"Decision by {refused.Decision.Approver} on {stage} refused: {refused.Reason}");
            }

            counted = evaluation.Decisions.Count;
            if (evaluation.Status != ApprovalStatus.Pending)
            {
                return await DecidedAsync(stage, evaluation);
            }

            var decisions = state.Inbox.Decisions.Count;
            if (await wait.UntilAsync(() => state.Inbox.Decisions.Count > decisions, ApprovalRounds.NextWake(rule, deadline, reminderDue)))
            {
                continue;
            }

            if (reminderDue)
            {
                reminderDue = false;
                var waitingFor = ApprovalRounds.ReminderRecipients(
                    state.Approvers, rule, requestedBy, evaluation.MissingRoles, evaluation.Decisions.Select(d => d.Decision.Approver));
                await AskAsync(stage, ++round, ApprovalKind.Reminder, waitingFor, deadline);
                await status.TimelineAsync(TimelineKinds.Approval, $"Reminder sent for {stage} to {waitingFor.Count} approver(s).");
                continue;
            }

            if (ApprovalRounds.EscalatesAtDeadline(rule, escalated))
            {
                escalated = true;
                deadline = state.Now + rule.EscalationTimeout;
                await AskAsync(stage, ++round, ApprovalKind.Escalation,
                    ApprovalRounds.EscalationRecipients(state.Approvers, rule, requestedBy, evaluation.MissingRoles), deadline);
                await status.RecordAsync(new StatusRecord(
                    $"{stage} approval escalated to {string.Join(", ", rule.EscalationContacts)}.", stage, TimelineKinds.Approval)
                {
                    PendingApprovals = [new PendingApproval(stage, evaluation.MissingRoles, deadline)],
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
        return status.TimelineAsync(TimelineKinds.Approval, $"Decision by {decision.Approver} on {decision.Stage} ignored: that stage is closed.");
    }

    private async Task<ReleaseOutcome?> DecidedAsync(string stage, ApprovalEvaluation evaluation)
    {
        state.ClosedStages.Add(stage);
        var approved = evaluation.Status == ApprovalStatus.Approved;
        await CloseAsync(stage, approved ? "approved" : "rejected");
        await status.PublishAsync(approved ? ReleaseEventType.ApprovalGranted : ReleaseEventType.ApprovalRejected,
            new() { ["stage"] = stage, ["by"] = evaluation.DecisiveDecision?.Approver ?? string.Empty });
        await status.RecordAsync(new StatusRecord($"{stage}: {evaluation.Summary}", stage, TimelineKinds.Approval) { PendingApprovals = [] });
        return approved ? null : new ReleaseOutcome(ReleaseStatus.Rejected, $"{stage} {evaluation.Summary.TrimEnd('.')}.");
    }

    private Task AskAsync(string stage, int round, ApprovalKind kind, IReadOnlyList<ApproverRef> approvers, DateTimeOffset deadline) =>
        state.Context.RequestApprovalsAsync(new RequestApprovalsInput(state.ReleaseId, stage, round, kind, approvers, deadline, $"{state.Risk.Level}", null));

    private Task CloseAsync(string stage, string how) =>
        state.Context.CloseApprovalStageAsync(new CloseApprovalStageInput(state.ReleaseId, stage, $"The {stage} stage was {how}."));
}
