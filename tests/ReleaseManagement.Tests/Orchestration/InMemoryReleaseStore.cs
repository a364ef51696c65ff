using System.Collections.Concurrent;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Tests.Orchestration;

/// <summary>The release store port kept in memory, recording every update so tests can count side effects.</summary>
public sealed class InMemoryReleaseStore : IReleaseStore
{
    private readonly ConcurrentDictionary<string, ReleaseRecord> _records = new();
    private readonly ConcurrentDictionary<(string Release, string Writer, int Sequence), TimelineEntry> _timeline = new();

    /// <summary>Every write applied, in order.</summary>
    public ConcurrentQueue<ReleaseWrite> Writes { get; } = new();

    public Task<bool> TryCreateAsync(ReleaseRecord record, CancellationToken cancellationToken = default) =>
        Task.FromResult(_records.TryAdd(record.Request.Id, record));

    public Task<ReleaseRecord?> GetAsync(string releaseId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_records.GetValueOrDefault(releaseId));

    /// <summary>As the table store: a line is keyed by its writer and sequence; a note or a warning change leaves the standing alone.</summary>
    public Task ApplyAsync(ReleaseWrite write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        Writes.Enqueue(write);
        switch (write)
        {
            case ReleaseStatusChange change:
                AddLine(change.ReleaseId, change.Line);
                Update(change.ReleaseId, r => r with
                {
                    Phase = change.Phase,
                    Status = change.Status,
                    StatusReason = change.Reason,
                    UpdatedAt = change.At,
                    Stage = change.Stage ?? r.Stage,
                    Gates = change.Gates ?? r.Gates,
                    PendingApprovals = change.PendingApprovals ?? r.PendingApprovals,
                    Risk = change.Risk ?? r.Risk,
                    Request = change.TargetDate is { } date ? r.Request with { TargetDate = date } : r.Request,
                });
                break;
            case TimelineNote note:
                AddLine(note.ReleaseId, note.Line);
                break;
            case WarningChange warnings:
                Update(warnings.ReleaseId, r => r with { Warnings = WarningSet.Apply(r.Warnings, warnings) });
                break;
            case RolloutChange rollout:
                Update(rollout.ReleaseId, r => r with { Rollout = rollout.Rollout });
                break;
        }

        return Task.CompletedTask;
    }

    private void AddLine(string releaseId, TimelineEntry line) => _timeline[(releaseId, line.Writer, line.Sequence)] = line;

    private void Update(string releaseId, Func<ReleaseRecord, ReleaseRecord> change) =>
        _records.AddOrUpdate(releaseId, _ => throw new InvalidOperationException($"Unknown release {releaseId}"), (_, r) => change(r));

    public Task<IReadOnlyList<TimelineEntry>> GetTimelineAsync(string releaseId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<TimelineEntry>>(TimelineOrder.Of(_timeline.Where(kv => kv.Key.Release == releaseId).Select(kv => kv.Value)));

    public Task<IReadOnlyList<ReleaseRecord>> ListAsync(ReleaseQuery query, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ReleaseRecord>>(_records.Values
            .Where(r => query.Status is null || r.Status == query.Status)
            .Where(r => query.Type is null || r.Request.Type == query.Type)
            .Where(r => query.System is null || r.Request.Systems.Contains(query.System, StringComparer.OrdinalIgnoreCase))
            .Where(r => query.TargetFrom is null || r.Request.TargetDate >= query.TargetFrom)
            .Where(r => query.TargetTo is null || r.Request.TargetDate <= query.TargetTo)
            .Where(r => query.EndedSince is null || r.Status == ReleaseStatus.Active || r.UpdatedAt >= query.EndedSince)
            .OrderByDescending(r => r.CreatedAt)
            .Take(query.Max)
            .ToArray());
}
