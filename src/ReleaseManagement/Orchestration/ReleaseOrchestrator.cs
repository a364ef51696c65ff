using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using ReleaseManagement.Approvals;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// The release lifecycle. Deterministic: time comes from <see cref="TaskOrchestrationContext.CurrentUtcDateTime"/>,
/// logs from a replay-safe logger, and every side effect goes through an activity.
/// </summary>
public static class ReleaseOrchestrator
{
    /// <summary>Activities retry a bounded number of times with backoff; they are idempotent, so a retry is safe.</summary>
    public static readonly TaskOptions ActivityRetry = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: 5,
        firstRetryInterval: TimeSpan.FromSeconds(1),
        backoffCoefficient: 2,
        maxRetryInterval: TimeSpan.FromSeconds(30)));

    public static async Task<ReleaseOutcome> RunAsync(TaskOrchestrationContext context, ReleaseOrchestrationInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var log = context.CreateReplaySafeLogger(typeof(ReleaseOrchestrator).FullName!);
        var release = input.Release;

        await RecordAsync(context, release.Id, ReleasePhase.Planning, ReleaseStatus.Active, "Awaiting plan approval.");

        var decision = await WaitForDecisionAsync(context, ApprovalStages.Plan, input.PlanApprovalTimeout);
        ReleaseOutcome outcome;
        if (decision is null)
        {
            outcome = new ReleaseOutcome(ReleaseStatus.Rejected, $"Plan approval timed out after {input.PlanApprovalTimeout}.");
        }
        else if (!decision.Approved)
        {
            outcome = new ReleaseOutcome(ReleaseStatus.Rejected, $"Plan rejected by {decision.Approver}" + (decision.Comment is { Length: > 0 } c ? $": {c}" : "."));
        }
        else
        {
            outcome = new ReleaseOutcome(ReleaseStatus.Completed, $"Plan approved by {decision.Approver}.");
        }

        log.LogInformation("Release {ReleaseId} ended {Status}: {Reason}", release.Id, outcome.Status, outcome.Reason);
        await RecordAsync(context, release.Id, ReleasePhase.Closed, outcome.Status, outcome.Reason);
        return outcome;
    }

    /// <summary>
    /// Waits for a decision on <paramref name="stage"/> raced against a durable timer; the timer is cancelled when a
    /// decision wins. Returns null on timeout.
    /// </summary>
    public static async Task<ApprovalDecision?> WaitForDecisionAsync(TaskOrchestrationContext context, string stage, TimeSpan timeout)
    {
        var deadline = context.CurrentUtcDateTime.Add(timeout);
        using var cts = new CancellationTokenSource();
        var timer = context.CreateTimer(deadline, cts.Token);
        while (true)
        {
            var decisionTask = context.WaitForExternalEvent<ApprovalDecision>(ApprovalStages.EventName(stage), cts.Token);
            var winner = await Task.WhenAny(decisionTask, timer);
            if (winner == timer)
            {
                cts.Cancel();
                return null;
            }

            var decision = await decisionTask;
            if (string.Equals(decision.Stage, stage, StringComparison.Ordinal))
            {
                cts.Cancel();
                return decision;
            }
        }
    }

    private static Task RecordAsync(TaskOrchestrationContext context, string releaseId, ReleasePhase phase, ReleaseStatus status, string reason) =>
        context.CallActivityAsync(
            ActivityNames.RecordReleaseStatus,
            new ReleaseStatusUpdate(releaseId, phase, status, reason, new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero)),
            ActivityRetry);
}
