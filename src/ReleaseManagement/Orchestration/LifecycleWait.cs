using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>Every wait of the lifecycle: through the <see cref="ReleaseInbox"/>, applying target-date changes on the way.</summary>
internal sealed class LifecycleWait(LifecycleState state, StatusRecorder status, CommunicationsStep communications)
{
    /// <summary>
    /// Waits until <paramref name="done"/> holds (true) or <paramref name="deadline"/> passes (false);
    /// <paramref name="alsoWakeOn"/> completing also ends it (true). A cancel request ends it with <see cref="ReleaseCancelledException"/>.
    /// </summary>
    public async Task<bool> UntilAsync(Func<bool> done, DateTimeOffset? deadline, Task? alsoWakeOn = null)
    {
        while (true)
        {
            await HandleRollbacksAsync();
            var satisfied = await state.Inbox.WaitUntilAsync(done, deadline?.UtcDateTime, alsoWakeOn);
            await HandleReschedulesAsync();
            await HandleRollbacksAsync();
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

    /// <summary>
    /// A rollback request for an environment the release is deployed to ends the wait with
    /// <see cref="RollbackRequestedException"/> (the lifecycle rolls back); one with nothing to roll back, or while a
    /// deployment or rollback is under way, is noted on the timeline and ignored.
    /// </summary>
    private async Task HandleRollbacksAsync()
    {
        while (state.Inbox.Rollbacks.TryDequeue(out var request))
        {
            var (environment, refusal) = state.DeploymentUnderWay is { } busy
                ? ((DeploymentEnvironment?)null, busy)
                : RollbackTargets.Choose(state.Deployed, request.Environment);
            if (environment is { } target)
            {
                throw new RollbackRequestedException(request, target);
            }

            await status.TimelineAsync(TimelineKinds.Rollback, $"Rollback requested by {request.By} ignored: {refusal}.");
        }
    }

    private async Task HandleReschedulesAsync()
    {
        while (state.Inbox.Reschedules.TryDequeue(out var change))
        {
            if (state.Phase is ReleasePhase.Deployment or ReleasePhase.Validation or ReleasePhase.PostRelease)
            {
                await status.TimelineAsync(TimelineKinds.Reschedule,
                    $"Target date change to {change.TargetDate:yyyy-MM-dd} by {change.By} ignored: production deployment already under way.");
                continue;
            }

            var previous = state.Release.TargetDate;
            state.Release = state.Release with { TargetDate = change.TargetDate };
            state.TargetDateMoves++;
            communications.Reschedule(change.TargetDate);
            await status.RecordAsync(new StatusRecord(
                $"Target date moved from {previous:yyyy-MM-dd} to {change.TargetDate:yyyy-MM-dd} by {change.By}.",
                state.Stage ?? ReleaseStages.Planning, TimelineKinds.Reschedule) { TargetDate = change.TargetDate });
        }
    }
}
