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
            var satisfied = await state.Inbox.WaitUntilAsync(done, deadline?.UtcDateTime, alsoWakeOn);
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
            state.TargetVersion++;
            communications.Reschedule(change.TargetDate);
            await status.RecordAsync(new StatusRecord(
                $"Target date moved from {previous:yyyy-MM-dd} to {change.TargetDate:yyyy-MM-dd} by {change.By}.",
                state.Stage ?? ReleaseStages.Planning, TimelineKinds.Reschedule) { TargetDate = change.TargetDate });
        }
    }
}
