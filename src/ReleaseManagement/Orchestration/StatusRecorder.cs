using ReleaseManagement.Events;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// Writes the release's status projection and timeline (numbered in order) and publishes its release events: the one
/// way the lifecycle's steps report.
/// </summary>
internal sealed class StatusRecorder(LifecycleState state)
{
    private int _sequence;
    private string _lastReason = "Submitted.";

    public Task RecordAsync(StatusRecord record)
    {
        state.Stage = record.Stage ?? state.Stage;
        _lastReason = record.Reason ?? _lastReason;
        var now = state.Now;
        var line = new TimelineEntry(++_sequence, now, state.Phase, record.Kind, record.Message ?? record.Reason ?? string.Empty);
        return state.Context.RecordReleaseStatusAsync(new ReleaseStatusUpdate(
            state.ReleaseId, state.Phase, record.Status, _lastReason, now, state.Stage, record.Gates, record.PendingApprovals, line,
            record.TargetDate, record.Risk, Warnings: record.Warnings, ClearedWarnings: record.ClearedWarnings));
    }

    /// <summary>Raises a warning on the release (and a timeline line saying it), leaving the standing as it is.</summary>
    public Task WarnAsync(string code, string message) =>
        RecordAsync(new StatusRecord(null, null, TimelineKinds.Warning) { Message = message, Warnings = [new ReleaseWarning(code, message, state.Now)] });

    /// <summary>A timeline line that leaves the standing as it is.</summary>
    public Task TimelineAsync(string kind, string message) => RecordAsync(new StatusRecord(null, null, kind) { Message = message });

    public Task PublishAsync(ReleaseEventType type, Dictionary<string, string> data) =>
        state.Context.PublishReleaseEventAsync(new ReleaseEvent(state.Context.NewGuid().ToString("N"), state.ReleaseId, type, state.Now, data));
}
