using System.Collections.Concurrent;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Tests.Orchestration;

/// <summary>The release store port kept in memory, recording every update so tests can count side effects.</summary>
public sealed class InMemoryReleaseStore : IReleaseStore
{
    private readonly ConcurrentDictionary<string, ReleaseRecord> _records = new();

    public ConcurrentQueue<ReleaseStatusUpdate> Updates { get; } = new();

    public Task<bool> TryCreateAsync(ReleaseRecord record, CancellationToken cancellationToken = default) =>
        Task.FromResult(_records.TryAdd(record.Request.Id, record));

    public Task<ReleaseRecord?> GetAsync(string releaseId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_records.GetValueOrDefault(releaseId));

    public Task ApplyAsync(ReleaseStatusUpdate update, CancellationToken cancellationToken = default)
    {
        Updates.Enqueue(update);
        _records.AddOrUpdate(
            update.ReleaseId,
            _ => throw new InvalidOperationException($"Unknown release {update.ReleaseId}"),
            (_, r) => r with { Phase = update.Phase, Status = update.Status, StatusReason = update.Reason, UpdatedAt = update.At });
        return Task.CompletedTask;
    }
}
