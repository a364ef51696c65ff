using System.Collections.Concurrent;
using ReleaseManagement.Events;
using ReleaseManagement.Feedback;
using ReleaseManagement.Metrics;
using ReleaseManagement.Objectives;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Tests.Orchestration.SimulatedTime;

/// <summary>
/// What a scheduled job read, row by row: the rows each store returned to it (what a table partitioned as the Azure adapters
/// are would have read for it), by kind.
/// </summary>
public sealed class RowsRead
{
    private readonly ConcurrentDictionary<string, int> _rows = new(StringComparer.Ordinal);

    public void Add(string kind, int rows) => _rows.AddOrUpdate(kind, rows, (_, n) => n + rows);

    public int this[string kind] => _rows.GetValueOrDefault(kind);

    public int Total => _rows.Values.Sum();

    public IReadOnlyDictionary<string, int> Snapshot() => new Dictionary<string, int>(_rows, StringComparer.Ordinal);

    public void Clear() => _rows.Clear();

    public const string Events = "events";
    public const string Releases = "releases";
    public const string Daily = "daily";
    public const string Reports = "reports";
}

/// <summary>The pipeline events the world raised (<see cref="LifecycleHarness.Raised"/>), read back as the event store serves them.</summary>
internal sealed class RaisedEventStore(LifecycleHarness world, RowsRead read) : IPipelineEventStore
{
    public Task<StoreOutcome> AddAsync(CanonicalEvent evt, DateTimeOffset storedAt, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<StoreOutcome> AddAsync(CanonicalEvent evt, DateTimeOffset storedAt, string? delivery, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task MarkProcessedAsync(CanonicalEvent evt, string delivery, DateTimeOffset at, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task RecordIndexAsync(CanonicalEvent evt, string delivery, DateTimeOffset at, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<StoredPipelineEvent?> GetAsync(string eventId, DateTimeOffset occurredAt, CancellationToken cancellationToken = default) =>
        Task.FromResult(Read(world.Raised.Where(e => e.EventId == eventId)).FirstOrDefault());

    public Task<IReadOnlyList<StoredPipelineEvent>> ListByReleaseAsync(string releaseId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Read(world.Raised.Where(e => e.ReleaseId == releaseId)));

    public Task<IReadOnlyList<StoredPipelineEvent>> ListByPeriodAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        Task.FromResult(Read(world.Raised.Where(e => e.OccurredAt >= from && e.OccurredAt < to)));

    private IReadOnlyList<StoredPipelineEvent> Read(IEnumerable<CanonicalEvent> events)
    {
        var rows = events.Select(e => new StoredPipelineEvent(e, e.OccurredAt, EventDelivery.Raised, e.OccurredAt)).ToArray();
        read.Add(RowsRead.Events, rows.Length);
        return rows;
    }
}

/// <summary>The harness's release store, its reads counted (what the metrics read of releases: one row per release asked for).</summary>
internal sealed class CountedReleaseStore(IReleaseStore inner, RowsRead read) : IReleaseStore
{
    public Task<bool> TryCreateAsync(ReleaseRecord record, CancellationToken cancellationToken = default) => inner.TryCreateAsync(record, cancellationToken);

    public async Task<ReleaseRecord?> GetAsync(string releaseId, CancellationToken cancellationToken = default)
    {
        read.Add(RowsRead.Releases, 1);
        return await inner.GetAsync(releaseId, cancellationToken);
    }

    public Task ApplyAsync(ReleaseWrite write, CancellationToken cancellationToken = default) => inner.ApplyAsync(write, cancellationToken);

    public Task<IReadOnlyList<TimelineEntry>> GetTimelineAsync(string releaseId, CancellationToken cancellationToken = default) => inner.GetTimelineAsync(releaseId, cancellationToken);

    public async Task<IReadOnlyList<ReleaseRecord>> ListAsync(ReleaseQuery query, CancellationToken cancellationToken = default)
    {
        var rows = await inner.ListAsync(query, cancellationToken);
        read.Add(RowsRead.Releases, rows.Count);
        return rows;
    }
}

/// <summary>The daily rollups by local day, as <c>TableMetricsDailyStore</c> keeps them (a day's rows replaced together), reads counted.</summary>
internal sealed class InMemoryDailyStore(RowsRead read) : IMetricsDailyStore
{
    private readonly ConcurrentDictionary<DateOnly, IReadOnlyList<DailyRollup>> _days = new();
    private readonly ConcurrentDictionary<DateOnly, StaleDay> _stale = new();

    public IReadOnlyCollection<DateOnly> Days => [.. _days.Keys];

    public Task ReplaceDayAsync(DateOnly date, IReadOnlyList<DailyRollup> rows, CancellationToken cancellationToken = default)
    {
        _days[date] = rows;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<DailyRollup>> ListAsync(DateOnly from, DateOnly to, string? system = null, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<DailyRollup> rows = [.. _days.Where(d => d.Key >= from && d.Key < to).OrderBy(d => d.Key)
            .SelectMany(d => d.Value).Where(r => system is null || r.System == system)];
        read.Add(RowsRead.Daily, rows.Count);
        return Task.FromResult(rows);
    }

    public Task<IReadOnlyList<(DateOnly Date, DayRevision Revision)>> ListRevisionsAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<(DateOnly, DayRevision)> rows = [.. _days.Where(d => d.Key >= from && d.Key < to)
            .SelectMany(d => d.Value.Where(r => r.System == DailyRollup.Overall && r.Revision is not null).Select(r => (d.Key, r.Revision!)))];
        read.Add(RowsRead.Daily, rows.Count);
        return Task.FromResult(rows);
    }

    public Task MarkStaleAsync(IReadOnlyCollection<DateOnly> dates, string reason, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        foreach (var date in dates)
        {
            _stale[date] = new StaleDay(date, at, reason, Guid.NewGuid().ToString("N"));
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<StaleDay>> ListStaleAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<StaleDay> rows = [.. _stale.Values.Where(s => s.Date >= from && s.Date < to)];
        read.Add(RowsRead.Daily, rows.Count);
        return Task.FromResult(rows);
    }

    public Task<bool> ClearStaleAsync(StaleDay mark, CancellationToken cancellationToken = default) =>
        Task.FromResult(_stale.TryGetValue(mark.Date, out var now) && now.ETag == mark.ETag && _stale.TryRemove(mark.Date, out _));
}

/// <summary>The stored reports by period, reads counted.</summary>
internal sealed class InMemoryReportStore(RowsRead read) : IMetricsReportStore
{
    private readonly ConcurrentDictionary<string, StoredReport> _reports = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Periods => [.. _reports.Keys];

    public Task SaveAsync(MetricsReport report, CancellationToken cancellationToken = default)
    {
        _reports.AddOrUpdate(report.Period, new StoredReport(report, null, []), (_, s) => s with { Report = report });
        return Task.CompletedTask;
    }

    public Task<StoredReport?> GetAsync(ReportPeriod period, CancellationToken cancellationToken = default)
    {
        var stored = _reports.GetValueOrDefault(period.Label);
        read.Add(RowsRead.Reports, stored is null ? 0 : 1);
        return Task.FromResult(stored);
    }

    public Task MarkEmailedAsync(ReportPeriod period, DateTimeOffset at, IReadOnlyList<string> to, CancellationToken cancellationToken = default)
    {
        _reports.AddOrUpdate(period.Label, _ => throw new InvalidOperationException("No report to mark."), (_, s) => s with { EmailedAt = at, EmailedTo = to });
        return Task.CompletedTask;
    }
}

/// <summary>No approval table (the lifecycle's fakes record asks and decisions in memory), no feedback, no objectives.</summary>
internal sealed class NothingStored : IApprovalHistory, IFeedbackStore, IObjectiveStore
{
    public Task<IReadOnlyList<ResolvedApprovalAsk>> ListResolvedAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ResolvedApprovalAsk>>([]);

    public Task<IReadOnlyList<(string Stage, DateTimeOffset FirstAsked, DateTimeOffset LastDecided, bool Approved)>> StageSpansAsync(string releaseId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<(string, DateTimeOffset, DateTimeOffset, bool)>>([]);

    public Task AddAsync(FeedbackLink link, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<FeedbackLink?> GetAsync(string tokenHash, CancellationToken cancellationToken = default) => Task.FromResult<FeedbackLink?>(null);

    public Task<FeedbackAnswerOutcome> AnswerAsync(string tokenHash, int rating, string? comment, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<IReadOnlyList<FeedbackLink>> ListAsync(string releaseId, CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<FeedbackLink>>([]);

    public Task<bool> AddAsync(ObjectiveVerdict verdict, CancellationToken cancellationToken = default) => Task.FromResult(true);

    Task<IReadOnlyList<ObjectiveVerdict>> IObjectiveStore.ListAsync(string releaseId, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<ObjectiveVerdict>>([]);
}
