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
    public async Task<IReadOnlyList<DateOnly>> MarkAsync(CanonicalEvent evt, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var today = PolicyTime.LocalDate(_zone, now);
        var day = PolicyTime.LocalDate(_zone, evt.OccurredAt);
        if (day >= today || !MetricsImpact.CanChangeFacts(evt))
        {
            return [];
        }

        var related = new List<CanonicalEvent>();
        if (evt.ReleaseId is { } releaseId)
        {
            related.AddRange((await events.ListByReleaseAsync(releaseId, cancellationToken)).Select(s => s.Event));
        }

        if (MetricsImpact.NeedsFollowingEvents(evt))
        {
            var until = evt.OccurredAt + MetricFactsBuilder.IncidentLookback;
            related.AddRange((await events.ListByPeriodAsync(evt.OccurredAt, until < now ? until : now, cancellationToken)).Select(s => s.Event));
        }

        var days = MetricsImpact.AffectedDays(evt, related, _zone).Where(d => d < today).ToList();
        if (days.Count == 0)
        {
            return days;
        }

        var reason = string.Create(CultureInfo.InvariantCulture, $"late {evt.Type} event {evt.EventId} of {day:yyyy-MM-dd} stored {now.UtcDateTime:yyyy-MM-dd HH:mm} UTC");
        await daily.MarkStaleAsync(days, reason, now, cancellationToken);
        LogMarked(logger, evt.EventId, string.Join(", ", days.Select(d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))));
        return days;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Late event {EventId}: marked {Days} stale for the metrics")]
    private static partial void LogMarked(ILogger logger, string eventId, string days);
}
