using Microsoft.DurableTask;
using ReleaseManagement.Events;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// Writes the release's status projection and timeline (numbered in order) and publishes its release events: the one
/// way the lifecycle's steps report. A <see cref="StatusRecord"/> that moves the release (a reason, a stage, a status or
/// any projected part) is a <see cref="ReleaseStatusChange"/> with its line; one that only tells something is a
/// <see cref="TimelineNote"/>; its warnings set or cleared are a <see cref="WarningChange"/>; production's stepwise rollout
/// is a <see cref="RolloutChange"/>. The writes are kept in order
/// and written together by <see cref="FlushAsync"/>, which the steps call before every other durable action (an activity,
/// a wait, the end), so the projection is current whenever the orchestration waits or acts outside.
/// </summary>
internal sealed class StatusRecorder(LifecycleState state)
{
    private readonly List<ReleaseWrite> _pending = [];
    private int _sequence;
    private string _lastReason = "Submitted.";

    /// <summary>Waits out outages of every effect, this recorder's writes included; set once by the lifecycle.</summary>
    public EffectGuard Effects { get; set; } = null!;

    public Task RecordAsync(StatusRecord record)
    {
        _pending.AddRange(Writes(record));
        return Task.CompletedTask;
    }

    /// <summary>
    /// Writes <paramref name="record"/> at once in one try, apart from the writes kept (an outage's warning); false when the
    /// write failed (storage may be what is down), which changes nothing else.
    /// </summary>
    public async Task<bool> TryWriteNowAsync(StatusRecord record)
    {
        try
        {
            await state.Context.RecordReleaseStatusOnceAsync(Writes(record));
            return true;
        }
        catch (TaskFailedException)
        {
            return false;
        }
    }

    private ReleaseWrite[] Writes(StatusRecord record)
    {
        var now = state.Now;
        var moves = record.Reason is not null || record.Stage is not null || record.Status != ReleaseStatus.Active || record.Gates is not null
            || record.PendingApprovals is not null || record.TargetDate is not null || record.Risk is not null;
        var line = new TimelineEntry(++_sequence, now, state.Phase, record.Kind, record.Message ?? record.Reason ?? string.Empty);
        var writes = new List<ReleaseWrite>(2);
        var cause = state.Inbox.Cause;
        if (moves)
        {
            state.Stage = record.Stage ?? state.Stage;
            _lastReason = record.Reason ?? _lastReason;
            writes.Add(new ReleaseStatusChange(
                state.ReleaseId, now, state.Phase, record.Status, _lastReason, line, state.Stage, record.Gates, record.PendingApprovals,
                record.TargetDate, record.Risk) { TraceParent = cause });
        }
        else
        {
            writes.Add(new TimelineNote(state.ReleaseId, line) { TraceParent = cause });
        }

        if (record.Warnings is not null || record.ClearedWarnings is not null)
        {
            writes.Add(new WarningChange(state.ReleaseId, now, record.Warnings ?? [], record.ClearedWarnings ?? []) { TraceParent = cause });
        }

        return writes.ToArray();
    }

    /// <summary>
    /// Writes the writes kept since the last flush in one activity; nothing to do (and no durable action) when none are
    /// kept.
    /// </summary>
    public async Task FlushAsync()
    {
        if (_pending.Count == 0)
        {
            return;
        }

        // The writes stay kept until written: one kept while an outage of storage is waited out goes with the next write.
        var writes = _pending.ToArray();
        await Effects.RunAsync(Effect.Status, () => state.Context.RecordReleaseStatusAsync(writes));
        _pending.RemoveRange(0, writes.Length);

        // The event's effects are written: later writes are not its (their span is the activity's own).
        state.Inbox.Cause = null;
    }

    /// <summary>Raises a warning on the release (and a timeline line saying it), leaving the standing as it is.</summary>
    public Task WarnAsync(string code, string message) =>
        RecordAsync(new StatusRecord(null, null, TimelineKinds.Warning) { Message = message, Warnings = [new ReleaseWarning(code, message, state.Now)] });

    /// <summary>Production's stepwise rollout as it now stands (a <see cref="RolloutChange"/>, written with the next flush; no line of its own).</summary>
    public void Rollout(RolloutProgress rollout) => _pending.Add(new RolloutChange(state.ReleaseId, state.Now, rollout) { TraceParent = state.Inbox.Cause });

    /// <summary>A timeline line that leaves the standing as it is.</summary>
    public Task TimelineAsync(string kind, string message) => RecordAsync(new StatusRecord(null, null, kind) { Message = message });

    public async Task PublishAsync(ReleaseEventType type, Dictionary<string, string> data)
    {
        var evt = new ReleaseEvent(state.Context.NewGuid().ToString("N"), state.ReleaseId, type, state.Now, data);
        await FlushAsync();
        await Effects.RunAsync(Effect.Event(type), () => state.Context.PublishReleaseEventAsync(evt));
    }
}
