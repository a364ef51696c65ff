using ReleaseManagement.Events;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Metrics;

/// <summary>
/// The lookups read up front: exactly those the facts of the period's events and asks make of the release they name (its
/// row for every event and ask; its events for a deployment, rollback, incident or resolution; its approval stages for a
/// deployment), at most <see cref="LookupConcurrency"/> at a time, none already cached. The reads run beside each other and
/// touch no cache (its dictionaries are not thread-safe): <see cref="Keep"/> files them once all are read. What only the
/// history shows (a resolution's detection in another release) is still read when the facts need it.
/// </summary>
public sealed partial class MetricFactsBuilder
{
    /// <summary>At most this many lookups a builder reads at once (a day's rollup names a few hundred releases at most).</summary>
    public const int LookupConcurrency = 16;

    private enum FactKind
    {
        None,
        Deployment,
        Rollback,
        Incident,
        Resolution,
        TestRun,
    }

    private sealed record Lookups(
        IReadOnlyList<(string Id, ReleaseRecord? Release)> Releases,
        IReadOnlyList<(string Id, IReadOnlyList<StoredPipelineEvent> Events)> Histories,
        IReadOnlyList<(string Id, IReadOnlyList<(string Stage, DateTimeOffset FirstAsked, DateTimeOffset LastDecided, bool Approved)> Spans)> Spans);

    /// <summary>The lookups of the period's events, once they are listed.</summary>
    private async Task<Lookups> LookUpEventsAsync(Task<IReadOnlyList<StoredPipelineEvent>> listing, CancellationToken cancellationToken)
    {
        var named = (await listing).Select(s => s.Event).Where(e => e.ReleaseId is not null).ToList();
        var histories = named.Where(e => KindOf(e) is FactKind.Deployment or FactKind.Rollback or FactKind.Incident or FactKind.Resolution).Select(e => e.ReleaseId!);
        var spans = named.Where(e => KindOf(e) == FactKind.Deployment).Select(e => e.ReleaseId!);
        return await LookUpAsync(named.Select(e => e.ReleaseId!), histories, spans, cancellationToken);
    }

    private async Task<Lookups> LookUpAsync(IEnumerable<string> releaseIds, IEnumerable<string> historyIds, IEnumerable<string> spanIds, CancellationToken cancellationToken)
    {
        using var gate = new SemaphoreSlim(LookupConcurrency);
        var rows = ReadAllAsync(Uncached(releaseIds, _releases), releases.GetAsync, gate, cancellationToken);
        var histories = ReadAllAsync(Uncached(historyIds, _releaseEvents), events.ListByReleaseAsync, gate, cancellationToken);
        var spans = ReadAllAsync(Uncached(spanIds, _spans), approvals.StageSpansAsync, gate, cancellationToken);
        await Task.WhenAll(rows, histories, spans);
        return new Lookups(rows.Result, histories.Result, spans.Result);
    }

    /// <summary>Files what <see cref="LookUpAsync"/> read into the caches (after every read ended: one thread at a time).</summary>
    private void Keep(Lookups lookups)
    {
        foreach (var (id, release) in lookups.Releases)
        {
            _releases[id] = release;
        }

        foreach (var (id, stored) in lookups.Histories)
        {
            EventsRead += stored.Count;
            _releaseEvents[id] = stored.Select(s => s.Event).ToList();
        }

        foreach (var (id, spans) in lookups.Spans)
        {
            _spans[id] = spans;
        }
    }

    private static string[] Uncached<T>(IEnumerable<string> ids, Dictionary<string, T> cache) =>
        ids.Distinct(StringComparer.Ordinal).Where(id => !cache.ContainsKey(id)).ToArray();

    private static Task<(string Id, T Value)[]> ReadAllAsync<T>(
        string[] ids, Func<string, CancellationToken, Task<T>> read, SemaphoreSlim gate, CancellationToken cancellationToken) =>
        Task.WhenAll(ids.Select(async id =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                return (id, await read(id, cancellationToken));
            }
            finally
            {
                gate.Release();
            }
        }));
}
