using System.Collections.Concurrent;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Tests.Orchestration;

/// <summary>The release store port kept in memory, recording every update so tests can count side effects.</summary>
public sealed class InMemoryReleaseStore : IReleaseStore
{
    private readonly ConcurrentDictionary<string, ReleaseRecord> _records = new();
    private readonly ConcurrentDictionary<(string, int), TimelineEntry> _timeline = new();

    public ConcurrentQueue<ReleaseStatusUpdate> Updates { get; } = new();

    public Task<bool> TryCreateAsync(ReleaseRecord record, CancellationToken cancellationToken = default) =>
        Task.FromResult(_records.TryAdd(record.Request.Id, record));

    public Task<ReleaseRecord?> GetAsync(string releaseId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_records.GetValueOrDefault(releaseId));

    public Task ApplyAsync(ReleaseStatusUpdate update, CancellationToken cancellationToken = default)
    {
        Updates.Enqueue(update);
        if (update.Timeline is { } line)
        {
            _timeline[(update.ReleaseId, line.Sequence)] = line;
        }

        // As the table store: a timeline-only update (the communications sub-orchestration's notes) leaves the status alone,
        // except for the warnings it sets or clears.
        if (update.TimelineOnly)
        {
            if (update.Warnings is not null || update.ClearedWarnings is not null)
            {
                _records.AddOrUpdate(
                    update.ReleaseId,
                    _ => throw new InvalidOperationException($"Unknown release {update.ReleaseId}"),
                    (_, r) => r with { Warnings = WarningSet.Apply(r.Warnings, update) });
            }

            return Task.CompletedTask;
        }

        _records.AddOrUpdate(
            update.ReleaseId,
            _ => throw new InvalidOperationException($"Unknown release {update.ReleaseId}"),
            (_, r) => r with
            {
                Phase = update.Phase,
                Status = update.Status,
                StatusReason = update.Reason,
                UpdatedAt = update.At,
                Stage = update.Stage ?? r.Stage,
                Gates = update.Gates ?? r.Gates,
                PendingApprovals = update.PendingApprovals ?? r.PendingApprovals,
                Risk = update.Risk ?? r.Risk,
                Warnings = WarningSet.Apply(r.Warnings, update),
                Request = update.TargetDate is { } date ? r.Request with { TargetDate = date } : r.Request,
            });
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<TimelineEntry>> GetTimelineAsync(string releaseId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<TimelineEntry>>(
            _timeline.Where(kv => kv.Key.Item1 == releaseId).Select(kv => kv.Value).OrderBy(l => l.At).ThenBy(l => l.Sequence).ToArray());

    public Task<IReadOnlyList<ReleaseRecord>> ListAsync(ReleaseQuery query, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ReleaseRecord>>(_records.Values
            .Where(r => query.Status is null || r.Status == query.Status)
            .Where(r => query.Type is null || r.Request.Type == query.Type)
            .Where(r => query.System is null || r.Request.Systems.Contains(query.System, StringComparer.OrdinalIgnoreCase))
            .Where(r => query.TargetFrom is null || r.Request.TargetDate >= query.TargetFrom)
            .Where(r => query.TargetTo is null || r.Request.TargetDate <= query.TargetTo)
            .OrderByDescending(r => r.CreatedAt)
            .Take(query.Max)
            .ToArray());
}
