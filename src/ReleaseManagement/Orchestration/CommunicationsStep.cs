using Microsoft.DurableTask;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>The release's communication timeline (<see cref="CommunicationsOrchestrator"/>) as seen from the release: start, re-plan, stop, finish.</summary>
internal sealed class CommunicationsStep(LifecycleState state, StatusRecorder status)
{
    private string? _instanceId;
    private Task? _timeline;

    public void Start()
    {
        _instanceId = CommunicationsOrchestrator.InstanceIdOf(state.ReleaseId);
        _timeline = state.Context.CallSubOrchestratorAsync(
            OrchestratorNames.Communications,
            new CommunicationsInput(state.Release, state.Input.PolicyJson, state.Input.Resume?.CommunicationsScheduledAt ?? state.Now, state.Input.Resume?.Communications,
                CommunicationsInput.CurrentVersion),
            new TaskOptions().WithInstanceId(_instanceId));
    }

    public void Reschedule(DateOnly targetDate)
    {
        if (_instanceId is not null)
        {
            state.Context.SendEvent(_instanceId, CommunicationsOrchestrator.RescheduleEvent, targetDate);
        }
    }

    /// <summary>Notices of a release that will not ship stop here; the timeline tells the outcome (and cancels the invite).</summary>
    public void Stop(ReleaseOutcome outcome)
    {
        if (_instanceId is not null)
        {
            state.Context.SendEvent(_instanceId, CommunicationsOrchestrator.StopEvent, new CommunicationsStop(outcome.Status, outcome.Reason));
        }
    }

    /// <summary>The T+1 report and any notice still due belong to the release: waits for the timeline to finish.</summary>
    public async Task FinishAsync(LifecycleWait wait)
    {
        if (_instanceId is null)
        {
            return;
        }

        state.Phase = ReleasePhase.PostRelease;
        await status.RecordAsync(new StatusRecord("Success criteria met; completing the communication timeline.", ReleaseStages.Communications));
        state.Context.SendEvent(_instanceId, CommunicationsOrchestrator.FinishEvent, state.Now);
        await wait.UntilAsync(() => false, null, _timeline);
    }
}
