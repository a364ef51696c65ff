using System.Globalization;
using Microsoft.Extensions.Logging;
using ReleaseManagement.Events;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Metrics;

/// <summary>
/// Marks the rolled-up days a late event changes as stale (<see cref="IMetricsDailyStore.MarkStaleAsync"/>), so the next read
/// or the daily rollup recomputes them. Called by the pipeline event processor once the event and its release index row are
/// stored (a rollup that clears the mark afterwards has read them), and again for a redelivered event that was stored before
/// (a crash between storing and marking loses nothing). An event of today (policy time zone) marks nothing: today is never
/// rolled up, and the days its facts depend on are calculated together at read time.
/// </summary>
public sealed partial class LateEventMarker(
    IPipelineEventStore events,
    IMetricsDailyStore daily,
    ReleasePolicy policy,
    TimeProvider time,
    ILogger<LateEventMarker> logger)
{
    private readonly TimeZoneInfo _zone = PolicyTime.Zone(policy);

    /// <summary>Marks the days <paramref name="evt"/> changes (before today) stale; returns them.</summary>
    public Task<IReadOnlyList<DateOnly>> MarkAsync(CanonicalEvent evt, CancellationToken cancellationToken = default) =>
        MarkManyAsync([evt], null, cancellationToken);

    /// <summary>
    /// Marks the days a batch of stored events changes (before today) stale, reading each release's events once (an import of
    /// history). <paramref name="reason"/> defaults to naming the first late event.
    /// </summary>
    public async Task<IReadOnlyList<DateOnly>> MarkManyAsync(IReadOnlyCollection<CanonicalEvent> batch, string? reason, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var today = PolicyTime.LocalDate(_zone, now);
        var late = batch.Where(e => PolicyTime.LocalDate(_zone, e.OccurredAt) < today && MetricsImpact.CanChangeFacts(e)).ToList();
        if (late.Count == 0)
        {
            return [];
        }

        var byRelease = new Dictionary<string, IReadOnlyList<CanonicalEvent>>(StringComparer.Ordinal);
        foreach (var releaseId in late.Select(e => e.ReleaseId).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            byRelease[releaseId] = (await events.ListByReleaseAsync(releaseId, cancellationToken)).Select(s => s.Event).ToList();
        }

        IReadOnlyList<CanonicalEvent> following = [];
        var detections = late.Where(MetricsImpact.NeedsFollowingEvents).ToList();
        if (detections.Count > 0)
        {
            var until = detections.Max(e => e.OccurredAt) + MetricFactsBuilder.IncidentLookback;
            following = (await events.ListByPeriodAsync(detections.Min(e => e.OccurredAt), until < now ? until : now, cancellationToken)).Select(s => s.Event).ToList();
        }

        var days = new SortedSet<DateOnly>();
        foreach (var evt in late)
        {
            var related = evt.ReleaseId is { } id ? byRelease[id] : [];
            days.UnionWith(MetricsImpact.AffectedDays(evt, MetricsImpact.NeedsFollowingEvents(evt) ? related.Concat(following) : related, _zone).Where(d => d < today));
        }

        if (days.Count == 0)
        {
            return [];
        }

        var first = late[0];
        reason ??= string.Create(CultureInfo.InvariantCulture,
            $"late {first.Type} event {first.EventId} of {PolicyTime.LocalDate(_zone, first.OccurredAt):yyyy-MM-dd} stored {now.UtcDateTime:yyyy-MM-dd HH:mm} UTC");
        await daily.MarkStaleAsync(days, reason, now, cancellationToken);
        LogMarked(logger, late.Count, first.EventId, string.Join(", ", days.Select(d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))));
        return days.ToList();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} late event(s) from {EventId}: marked {Days} stale for the metrics")]
    private static partial void LogMarked(ILogger logger, int count, string eventId, string days);
}
