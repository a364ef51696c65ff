using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Events.Tests;

/// <summary>The one release a notes test reads (the release notes route's store), and nothing else.</summary>
internal sealed class OneRelease(ReleaseRecord record) : IReleaseStore
{
    public Task<bool> TryCreateAsync(ReleaseRecord r, CancellationToken cancellationToken = default) => Task.FromResult(false);

    public Task<ReleaseRecord?> GetAsync(string releaseId, CancellationToken cancellationToken = default) =>
        Task.FromResult(releaseId == record.Request.Id ? record : null);

    public Task ApplyAsync(ReleaseWrite write, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<IReadOnlyList<TimelineEntry>> GetTimelineAsync(string releaseId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<TimelineEntry>>([]);

    public Task<IReadOnlyList<ReleaseRecord>> ListAsync(ReleaseQuery query, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ReleaseRecord>>([record]);
}

/// <summary>A notes test's pipeline events, as stored at <paramref name="storedAt"/>: read back, never written.</summary>
internal sealed class StoredEvents(DateTimeOffset storedAt, IReadOnlyList<CanonicalEvent> events) : IPipelineEventStore
{
    public Task<StoreOutcome> AddAsync(CanonicalEvent evt, DateTimeOffset storedAt, CancellationToken cancellationToken = default) => Task.FromResult(StoreOutcome.Added);

    public Task<StoreOutcome> AddAsync(CanonicalEvent evt, DateTimeOffset storedAt, string? delivery, CancellationToken cancellationToken = default) =>
        Task.FromResult(StoreOutcome.Added);

    public Task MarkProcessedAsync(CanonicalEvent evt, string delivery, DateTimeOffset at, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task RecordIndexAsync(CanonicalEvent evt, string delivery, DateTimeOffset at, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<StoredPipelineEvent?> GetAsync(string eventId, DateTimeOffset occurredAt, CancellationToken cancellationToken = default) => Task.FromResult<StoredPipelineEvent?>(null);

    public Task<IReadOnlyList<StoredPipelineEvent>> ListByReleaseAsync(string releaseId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<StoredPipelineEvent>>(events.Select(e => new StoredPipelineEvent(e, storedAt, null, null)).ToArray());

    public Task<IReadOnlyList<StoredPipelineEvent>> ListByPeriodAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        ListByReleaseAsync(string.Empty, cancellationToken);
}
