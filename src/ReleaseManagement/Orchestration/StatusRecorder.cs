using Microsoft.DurableTask;
using ReleaseManagement.Events;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// Writes the release's status projection and timeline (numbered in order) and publishes its release events: the one
/// way the lifecycle's steps report. Before version 3 each line is its own activity; from version 3
/// (<see cref="LifecycleFeatures.BatchedStatus"/>) lines are kept in order and written together by <see cref="FlushAsync"/>,
/// which the steps call before every other durable action (an activity, a wait, the end), so the projection is current
/// whenever the orchestration waits or acts outside.
/// </summary>
internal sealed class StatusRecorder(LifecycleState state)
{
    private readonly List<ReleaseStatusUpdate> _pending = [];
    private int _sequence;
    private string _lastReason = "Submitted.";

    /// <summary>Waits out outages of every effect, this recorder's writes included; set once by the lifecycle.</summary>
    public EffectGuard Effects { get; set; } = null!;

    public Task RecordAsync(StatusRecord record)
    {
        var update = Update(record);
        if (!state.Features.BatchedStatus)
        {
            return Effects.RunAsync(Effect.Status, () => state.Context.RecordReleaseStatusAsync(update));
        }

        _pending.Add(update);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Writes <paramref name="record"/> at once in one try, apart from the lines kept (an outage's warning); false when the
    /// write failed (storage may be what is down), which changes nothing else.
    /// </summary>
    public async Task<bool> TryWriteNowAsync(StatusRecord record)
    {
        try
        {
            await state.Context.RecordReleaseStatusOnceAsync(Update(record));
            return true;
        }
        catch (TaskFailedException)
        {
            return false;
        }
    }

    private ReleaseStatusUpdate Update(StatusRecord record)
    {
        state.Stage = record.Stage ?? state.Stage;
        _lastReason = record.Reason ?? _lastReason;
        var now = state.Now;
        var line = new TimelineEntry(++_sequence, now, state.Phase, record.Kind, record.Message ?? record.Reason ?? string.Empty);
        return new ReleaseStatusUpdate(
            state.ReleaseId, state.Phase, record.Status, _lastReason, now, state.Stage, record.Gates, record.PendingApprovals, line,
            record.TargetDate, record.Risk, Warnings: record.Warnings, ClearedWarnings: record.ClearedWarnings);
    }

    /// <summary>
    /// Writes the lines kept since the last flush in one activity (version 3); nothing to do (and no durable action)
    /// when none are kept, which is always the case before version 3.
    /// </summary>
    public async Task FlushAsync()
    {
        if (_pending.Count == 0)
        {
            return;
        }

        // The lines stay kept until written: a line kept while an outage of storage is waited out goes with the next write.
        var updates = _pending.ToArray();
        await Effects.RunAsync(Effect.Status, () => state.Context.RecordReleaseStatusesAsync(updates));
        _pending.RemoveRange(0, updates.Length);
    }

    /// <summary>Raises a warning on the release (and a timeline line saying it), leaving the standing as it is.</summary>
    public Task WarnAsync(string code, string message) =>
        RecordAsync(new StatusRecord(null, null, TimelineKinds.Warning) { Message = message, Warnings = [new ReleaseWarning(code, message, state.Now)] });

    /// <summary>A timeline line that leaves the standing as it is.</summary>
    public Task TimelineAsync(string kind, string message) => RecordAsync(new StatusRecord(null, null, kind) { Message = message });

    public async Task PublishAsync(ReleaseEventType type, Dictionary<string, string> data)
    {
        var evt = new ReleaseEvent(state.Context.NewGuid().ToString("N"), state.ReleaseId, type, state.Now, data);
        await FlushAsync();
        await Effects.RunAsync(Effect.Event(type), () => state.Context.PublishReleaseEventAsync(evt));
    }
}
