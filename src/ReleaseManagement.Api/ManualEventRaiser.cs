using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using ReleaseManagement.Events;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Api;

/// <summary>
/// Milestones and gate evidence given by hand (<see cref="MilestoneHandler"/>, <see cref="EvidenceHandler"/>) are canonical
/// events from source <c>api</c>: stored in the pipeline event store, so they count in the metrics like events from
/// pipelines, then raised to the release and marked processed, as the pipeline event processor does.
/// </summary>
public sealed partial class ManualEventRaiser(IPipelineEventStore events, TimeProvider time, ILogger<ManualEventRaiser> log)
{
    /// <summary>A new event id of source <c>api</c>.</summary>
    public static string NewEventId() => EventSources.EventId(EventSources.Api, Guid.NewGuid().ToString("N"));

    /// <summary>Stores <paramref name="evt"/> (for metrics and the release's record), raises it to its release, marks it processed.</summary>
    public async Task<CanonicalEvent> StoreAndRaiseAsync(CanonicalEvent evt, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(evt);
        ArgumentNullException.ThrowIfNull(durable);
        await events.AddAsync(evt, time.GetUtcNow(), cancellationToken);
        await durable.RaiseEventAsync(evt.ReleaseId!, ReleaseEventNames.Pipeline, evt, cancellationToken);
        await events.MarkProcessedAsync(evt, EventDelivery.Raised, time.GetUtcNow(), cancellationToken);
        LogRaised(log, evt.EventId, evt.Type, evt.ReleaseId!);
        return evt;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored and raised manual event {EventId} ({EventType}) to release {ReleaseId}")]
    private static partial void LogRaised(ILogger logger, string eventId, CanonicalEventType eventType, string releaseId);
}
