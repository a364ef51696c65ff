using ReleaseManagement.Policy;

namespace ReleaseManagement.Orchestration;

/// <summary>Waits for the release's production slot (<see cref="ProductionSlot"/>, from the orchestration's time), re-planning when the date moves.</summary>
internal sealed class ProductionWindowStep(LifecycleState state, StatusRecorder status, LifecycleWait wait)
{
    public async Task RunAsync()
    {
        state.Stage = ReleaseStages.Window;
        while (true)
        {
            // The orchestration's own (replayed) time: the slot is the same on every replay.
            var now = state.Now;
            var window = ProductionSlot.Of(state.Policy, state.Release.TargetDate, now).Window;
            var moves = state.TargetDateMoves;
            if (window is null)
            {
                await status.RecordAsync(new StatusRecord(
                    "No production window opens in the policy's horizon; waiting for a new target date.", ReleaseStages.Window));
                await wait.UntilAsync(() => state.TargetDateMoves != moves, null);
                continue;
            }

            if (window.Contains(now))
            {
                await status.TimelineAsync(TimelineKinds.Window, $"Production window open until {window.End:u}.");
                return;
            }

            await status.RecordAsync(new StatusRecord($"Waiting for the production window at {window.Start:u}.", ReleaseStages.Window, TimelineKinds.Window));
            if (!await wait.UntilAsync(() => state.TargetDateMoves != moves, window.Start))
            {
                await status.TimelineAsync(TimelineKinds.Window, $"Production window opened at {window.Start:u}.");
                return;
            }
        }
    }
}
