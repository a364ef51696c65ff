using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ReleaseManagement.Telemetry;

/// <summary>
/// The app's own traces and metrics, both named <see cref="Name"/> (System.Diagnostics only: the core knows no exporter).
/// Each host listens to them and exports them (the Functions app to Application Insights, the local host to the console
/// or an OTLP endpoint: docs/operations.md, "Telemetry"). Instruments are recorded by handlers, activities and timers,
/// never by an orchestrator while it replays.
/// </summary>
public static class ReleaseTelemetry
{
    /// <summary>The name of the <see cref="ActivitySource"/> and of the <see cref="Meter"/>.</summary>
    public const string Name = "ReleaseFunctions";

    /// <summary>The ActivitySource of the Durable Task SDK (durabletask-dotnet): its orchestration and activity spans.</summary>
    public const string DurableTaskSource = "Microsoft.DurableTask";

    /// <summary>Span names.</summary>
    public static class Spans
    {
        /// <summary>A webhook delivery verified and acknowledged (the queue message carries this span's context).</summary>
        public const string WebhookReceive = "webhook receive";

        /// <summary>A queue message of the pipeline-events queue processed (child of the webhook's span).</summary>
        public const string PipelineEventProcess = "pipeline-event process";

        /// <summary>The release's status written by the lifecycle (child of the pipeline event's span that caused it, if any).</summary>
        public const string ReleaseStatusWrite = "release status write";
    }

    /// <summary>Metric names (the alert rules in infra/modules/alerts.bicep query them by these names).</summary>
    public static class Metrics
    {
        public const string DeliveriesAcknowledged = "releasefunctions.webhook.deliveries.acknowledged";
        public const string EventsProcessed = "releasefunctions.pipeline_events.processed";
        public const string ProcessingLag = "releasefunctions.pipeline_events.processing_lag";
        public const string ActivityFailures = "releasefunctions.activity.failures";
        public const string ReleasesActive = "releasefunctions.releases.active";
        public const string ReleasesStranded = "releasefunctions.releases.stranded";
        public const string ReleasesWaitingOnDependency = "releasefunctions.releases.waiting_on_dependency";
        public const string DependencyOutageLongest = "releasefunctions.dependency.outage.longest";
    }

    /// <summary>Tag names.</summary>
    public static class Tags
    {
        public const string Source = "source";
        public const string Result = "result";
        public const string Outcome = "outcome";
        public const string Dependency = "dependency";
        public const string Phase = "phase";
        public const string ReleaseId = "release.id";
        public const string EventId = "event.id";
        public const string EventType = "event.type";
    }

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Webhook deliveries answered 2xx, by <c>source</c> and <c>result</c> (accepted, duplicate, ignored).</summary>
    public static readonly Counter<long> DeliveriesAcknowledged = Meter.CreateCounter<long>(
        Metrics.DeliveriesAcknowledged, "{delivery}", "Webhook deliveries acknowledged (2xx), by source and result.");

    /// <summary>Queue messages of the pipeline-events queue processed, by <c>source</c> and <c>outcome</c> (processed, duplicate, dropped).</summary>
    public static readonly Counter<long> EventsProcessed = Meter.CreateCounter<long>(
        Metrics.EventsProcessed, "{event}", "Pipeline event messages processed, by source and outcome.");

    /// <summary>Processed time minus acknowledged (received) time of each message, in seconds, by <c>source</c>.</summary>
    public static readonly Histogram<double> ProcessingLag = Meter.CreateHistogram<double>(
        Metrics.ProcessingLag, "s", "Time from a delivery's acknowledgement to the end of its processing.");

    /// <summary>Effects of a release that failed after their own retries (a try of EffectGuard), by <c>dependency</c>.</summary>
    public static readonly Counter<long> ActivityFailures = Meter.CreateCounter<long>(
        Metrics.ActivityFailures, "{failure}", "Release effects that failed after their retries, by dependency.");

    /// <summary>Active releases by <c>phase</c>, recorded by each stranded-release check.</summary>
    public static readonly Gauge<long> ReleasesActive = Meter.CreateGauge<long>(
        Metrics.ReleasesActive, "{release}", "Active releases by phase (each stranded-release check).");

    /// <summary>Active releases carrying the <c>stranded</c> warning, recorded by each stranded-release check.</summary>
    public static readonly Gauge<long> ReleasesStranded = Meter.CreateGauge<long>(
        Metrics.ReleasesStranded, "{release}", "Active releases whose orchestration failed, was terminated or is missing.");

    /// <summary>Active releases carrying the <c>dependency-unavailable</c> warning, by <c>dependency</c>.</summary>
    public static readonly Gauge<long> ReleasesWaitingOnDependency = Meter.CreateGauge<long>(
        Metrics.ReleasesWaitingOnDependency, "{release}", "Active releases waiting out an outage, by dependency.");

    /// <summary>How long the oldest outage a release waits out has lasted, in seconds, by <c>dependency</c> (0: none).</summary>
    public static readonly Gauge<double> DependencyOutageLongest = Meter.CreateGauge<double>(
        Metrics.DependencyOutageLongest, "s", "Duration of the longest outage releases wait out, by dependency.");

    /// <summary>The W3C <c>traceparent</c> of <paramref name="activity"/> (its <see cref="Activity.Id"/> in W3C format), or null.</summary>
    public static string? TraceParent(Activity? activity) =>
        activity is { IdFormat: ActivityIdFormat.W3C } ? activity.Id : null;

    /// <summary>The context a <c>traceparent</c> (and <c>tracestate</c>) names; default when absent or malformed.</summary>
    public static ActivityContext ParentOf(string? traceParent, string? traceState = null) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var context) ? context : default;
}
