using System.Diagnostics;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using ReleaseManagement.Audit;
using ReleaseManagement.Events;
using ReleaseManagement.Metrics;
using ReleaseManagement.Ports;
using ReleaseManagement.Telemetry;

namespace ReleaseManagement.Api.Webhooks;

/// <summary>What one message came to.</summary>
public enum ProcessOutcome
{
    /// <summary>Stored (and raised to the release when it is running).</summary>
    Processed,

    /// <summary>Already processed: nothing done.</summary>
    Duplicate,

    /// <summary>The delivery normalizes to no event we use (e.g. the rules changed since it was accepted).</summary>
    Dropped,
}

/// <summary>
/// Handles one message of the pipeline-events queue, whatever carried it (the Functions queue trigger, the local host's
/// queue loop, or a Service Bus trigger later: each passes the message text). Idempotent: the canonical event is inserted
/// conditionally on its id, and a message whose event was fully processed before does nothing. Any failure throws, so the
/// transport retries it and, after its dequeue limit, moves it to the poison queue: a message is never lost. A late event
/// (of a day before today) marks the rolled-up days it changes stale once it is fully stored, and again when it comes back
/// as a duplicate, so a crash in between loses no mark. Each message is a span
/// (<see cref="ReleaseTelemetry.Spans.PipelineEventProcess"/>) whose parent is the webhook delivery's span named in the
/// message; the event raised to its release carries this span's context on to the lifecycle's effect
/// (<see cref="CanonicalEvent.TraceParent"/>). Each message processed counts in <see cref="ReleaseTelemetry.EventsProcessed"/>
/// and its lag from the acknowledgement in <see cref="ReleaseTelemetry.ProcessingLag"/>. A deployment or rollback event
/// also updates the environments page's cells (<see cref="EnvironmentStateWriter"/>).
/// </summary>
public sealed partial class PipelineEventProcessor(
    IRawDeliveryStore deliveries,
    PipelineEventNormalizer normalizer,
    IPipelineEventStore store,
    LateEventMarker late,
    TimeProvider time,
    ILogger<PipelineEventProcessor> log,
    IAuditTrail audit,
    EnvironmentStateWriter environments)
{
    public async Task<ProcessOutcome> ProcessAsync(string messageText, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        var message = PipelineEventMessage.Parse(messageText);
        using var span = ReleaseTelemetry.Source.StartActivity(
            ReleaseTelemetry.Spans.PipelineEventProcess, ActivityKind.Consumer, ReleaseTelemetry.ParentOf(message.TraceParent, message.TraceState));
        span?.SetTag(ReleaseTelemetry.Tags.Source, message.Source);
        var delivery = message.IsInline
            ? message.ToDelivery()
            : await deliveries.GetAsync(message.Source, message.DeliveryId, cancellationToken)
                ?? throw new InvalidOperationException($"The raw delivery {message.Source}/{message.DeliveryId} is not stored.");

        var result = normalizer.Normalize(delivery.ToInbound());
        if (result.Status != NormalizationStatus.Accepted)
        {
            // An inline delivery is kept nowhere else: keep it raw in the delivery store (as a large one is), so a delivery
            // the rules no longer take can still be read and replayed. Idempotent: a second drop finds it stored.
            if (message.IsInline)
            {
                await deliveries.TryAddAsync(delivery, enqueued: true, cancellationToken);
            }

            LogDropped(log, message.Source, message.DeliveryId, result.Status, result.Detail);
            return Processed(message.Source, delivery.ReceivedAt, ProcessOutcome.Dropped);
        }

        // The named pipeline that sent it (verified at the webhook) is recorded with the event: the audit's "by".
        var evt = WithReporter(result.Event!, message.Pipeline ?? delivery.Pipeline);
        span?.SetTag(ReleaseTelemetry.Tags.EventId, evt.EventId);
        span?.SetTag(ReleaseTelemetry.Tags.EventType, evt.Type.ToString());
        span?.SetTag(ReleaseTelemetry.Tags.ReleaseId, evt.ReleaseId);

        // An inline delivery is kept nowhere else: its event row keeps it raw.
        var outcome = await ProcessEventAsync(evt, durable, markLate: true, message.IsInline ? delivery : null, cancellationToken);
        return Processed(message.Source, delivery.ReceivedAt, outcome);
    }

    /// <summary>Counts a processed message and its lag from the delivery's acknowledgement.</summary>
    private ProcessOutcome Processed(string source, DateTimeOffset acknowledgedAt, ProcessOutcome outcome)
    {
        var sourceTag = new KeyValuePair<string, object?>(ReleaseTelemetry.Tags.Source, source);
        var outcomeTag = new KeyValuePair<string, object?>(ReleaseTelemetry.Tags.Outcome, outcome.ToString());
        ReleaseTelemetry.EventsProcessed.Add(1, sourceTag, outcomeTag);
        ReleaseTelemetry.ProcessingLag.Record(Math.Max(0, (time.GetUtcNow() - acknowledgedAt).TotalSeconds), sourceTag, outcomeTag);
        Activity.Current?.SetTag(ReleaseTelemetry.Tags.Outcome, outcome.ToString());
        return outcome;
    }

    /// <summary>
    /// Stores a normalized event (deduplicated on its id), raises it to its release's running orchestration when
    /// <paramref name="durable"/> is given (an import of history passes none: stored only), and, with
    /// <paramref name="markLate"/>, marks the metric days it changes stale when it is late (an import marks a whole batch at
    /// once after storing it, <see cref="LateEventMarker.MarkManyAsync"/>). Storage calls: the conditional insert (carrying
    /// the outcome) for an event of no release; for one of a release the instance lookup, the insert, the raise and the
    /// index row, which is written last and marks it done. A deployment or rollback adds its cells' merge: a point read of
    /// each cell and a write when the event is the newest (and a point read of the release when it carries no system).
    /// </summary>
    public Task<ProcessOutcome> ProcessEventAsync(CanonicalEvent evt, DurableTaskClient? durable, bool markLate, CancellationToken cancellationToken) =>
        ProcessEventAsync(evt, durable, markLate, null, cancellationToken);

    private async Task<ProcessOutcome> ProcessEventAsync(CanonicalEvent evt, DurableTaskClient? durable, bool markLate, RawDelivery? raw, CancellationToken cancellationToken)
    {
        string outcome;
        if (evt.ReleaseId is not { } releaseId)
        {
            outcome = EventDelivery.Uncorrelated;
        }
        else if (durable is null)
        {
            outcome = EventDelivery.NotRunning;
        }
        else
        {
            // A release scheduled but not yet started is waited for: an event raised to it now could be discarded.
            var instance = await RunningRelease.GetStartedInstanceAsync(durable, releaseId, cancellationToken);
            outcome = RunningRelease.IsRunning(instance) ? EventDelivery.Raised : EventDelivery.NotRunning;
            if (outcome == EventDelivery.NotRunning)
            {
                LogNotRunning(log, evt.EventId, releaseId, instance?.RuntimeStatus.ToString() ?? "absent");
            }
        }

        var now = time.GetUtcNow();
        var stored = await store.AddAsync(evt, now, outcome, raw, cancellationToken);

        // The environments page's cell (a deployment or rollback): before the event is marked done, and again for a
        // duplicate in case the first processing stopped before it (a merge is idempotent: newest wins).
        await environments.RecordAsync(evt, cancellationToken);

        if (stored == StoreOutcome.ExistsDone)
        {
            // Idempotent: repeats the marks in case the first processing stopped before writing them.
            if (markLate)
            {
                await late.MarkAsync(evt, cancellationToken);
            }

            LogDuplicate(log, evt.EventId);
            return ProcessOutcome.Duplicate;
        }

        if (evt.ReleaseId is null)
        {
            LogUncorrelated(log, evt.EventId, evt.Type);
            if (stored == StoreOutcome.ExistsPending)
            {
                // A row stored without its outcome (by a version before the outcome was written with it).
                await store.MarkProcessedAsync(evt, outcome, now, cancellationToken);
            }
        }
        else
        {
            if (outcome == EventDelivery.Raised)
            {
                if (AuditEntryOf(evt) is { } entry)
                {
                    await audit.AppendAsync(entry, cancellationToken);
                }

                // The current span's context goes with it: the lifecycle's effect of this event is its child.
                var raised = evt with { TraceParent = ReleaseTelemetry.TraceParent(Activity.Current) };
                await durable!.RaiseEventAsync(evt.ReleaseId, ReleaseEventNames.Pipeline, raised, cancellationToken);
                LogRaised(log, evt.EventId, evt.Type, evt.ReleaseId);
            }

            // The index row last: once it is written, a redelivered message is a duplicate. A retry (the row was stored
            // before) records this attempt's outcome on the event row too.
            await (stored == StoreOutcome.Added
                ? store.RecordIndexAsync(evt, outcome, now, cancellationToken)
                : store.MarkProcessedAsync(evt, outcome, now, cancellationToken));
        }

        // After the event and its release index row: a rollup that clears these marks has read both.
        if (markLate)
        {
            await late.MarkAsync(evt, cancellationToken);
        }

        return ProcessOutcome.Processed;
    }

    /// <summary>The event with <see cref="EventAttributes.Reporter"/> set to <paramref name="pipeline"/> (unchanged when null).</summary>
    public static CanonicalEvent WithReporter(CanonicalEvent evt, string? pipeline)
    {
        ArgumentNullException.ThrowIfNull(evt);
        if (pipeline is null)
        {
            return evt;
        }

        var attributes = new Dictionary<string, string>(evt.Attributes, StringComparer.Ordinal) { [EventAttributes.Reporter] = pipeline };
        return evt with { Attributes = attributes };
    }

    /// <summary>
    /// The audit row (channel <c>webhook</c>, keyed by the event id) of a pipeline event raised to its release that the
    /// audit trail records: gate evidence (or a pipeline's attestation or waiver), a milestone, a deployment, a rollback. By
    /// the approver it names, else the named pipeline that sent it (<see cref="EventAttributes.Reporter"/>), else its source.
    /// </summary>
    public static AuditEntry? AuditEntryOf(CanonicalEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        var action = evt.Type switch
        {
            CanonicalEventType.GateEvidence when evt.Attribute(EventAttributes.Waiver) is not null => AuditActions.Waiver,
            CanonicalEventType.GateEvidence when evt.Attribute(EventAttributes.Attestation) is not null => AuditActions.Attestation,
            CanonicalEventType.GateEvidence => AuditActions.Evidence,
            CanonicalEventType.MilestoneReached => AuditActions.Milestone,
            CanonicalEventType.ServiceDeployed => AuditActions.Deployment,
            CanonicalEventType.ServiceRolledBack => AuditActions.Rollback,
            _ => null,
        };
        if (action is null || evt.ReleaseId is null)
        {
            return null;
        }

        var data = evt.Attributes.ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
        data["type"] = evt.Type.ToString();
        if (evt.Environment is { } environment)
        {
            data["environment"] = environment;
        }

        if (evt.Outcome is { } outcome)
        {
            data["outcome"] = outcome;
        }

        var what = evt.Attribute(EventAttributes.GateItem) ?? evt.Attribute(EventAttributes.Milestone) ?? evt.Environment;
        var summary = $"{evt.Type} from {evt.Source}" + (what is null ? "" : $" ({what})") + (evt.Outcome is { } o ? $": {o}." : ".");
        return new AuditEntry(evt.ReleaseId, evt.EventId, action, evt.Attribute(EventAttributes.Approver) ?? evt.Attribute(EventAttributes.Reporter) ?? evt.Source, evt.OccurredAt,
            AuditChannels.Webhook, summary, Data: data);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {Source}/{DeliveryId} normalized to {Status}: {Detail}; dropped")]
    private static partial void LogDropped(ILogger logger, string source, string deliveryId, NormalizationStatus status, string? detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId} was processed before; nothing to do")]
    private static partial void LogDuplicate(ILogger logger, string eventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId} ({EventType}) names no release: stored for metrics")]
    private static partial void LogUncorrelated(ILogger logger, string eventId, CanonicalEventType eventType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} for release {ReleaseId} stored but not raised: the orchestration is {RuntimeStatus}")]
    private static partial void LogNotRunning(ILogger logger, string eventId, string releaseId, string runtimeStatus);

    [LoggerMessage(Level = LogLevel.Information, Message = "Raised event {EventId} ({EventType}) to release {ReleaseId}")]
    private static partial void LogRaised(ILogger logger, string eventId, CanonicalEventType eventType, string releaseId);
}
