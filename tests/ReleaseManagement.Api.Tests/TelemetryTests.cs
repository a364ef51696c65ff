using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ReleaseFunctions.TestSupport;
using ReleaseManagement.Api.Webhooks;
using ReleaseManagement.Approvals;
using ReleaseManagement.Azure.Events;
using ReleaseManagement.Events;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;
using ReleaseManagement.Telemetry;

namespace ReleaseManagement.Api.Tests;

/// <summary>
/// The app's OpenTelemetry signals (<see cref="ReleaseTelemetry"/>) on the real composition: a signed webhook delivery is
/// one trace from the webhook through the queue to the lifecycle's effect, and the counters, the lag and the stranded
/// check's gauges are recorded with their tags. Spans and measurements are read with an ActivityListener and a
/// MeterListener (what an exporter reads), each measurement with the trace it was recorded in, so the tests running beside
/// these (which record into the same process-wide instruments) are told apart by trace, not by timing.
/// </summary>
public sealed class TelemetryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static Task<Answer> ApproveAsync(ApiHarness h, string id, string role) =>
        h.CallAsync(r => h.Decisions.DecideAsync(id, r, h.Client, Ct),
            $$"""{ "stage": "{{ApprovalStageKeys.Plan}}", "decision": "approve", "approver": "{{ValidRelease.Approvers[role][0]}}", "role": "{{role}}" }""");

    private static Task<ReleaseRecord> WaitForAsync(ApiHarness h, string id, Func<ReleaseRecord, bool> done, string what) =>
        Eventually.UntilAsync(async () => (await h.Store.GetAsync(id, Ct))!, done, Patience, what, r => $"{r.Status} {r.Stage}: {r.StatusReason}");

    /// <summary>A CDEvents milestone as a pipeline sends it (README, "the pipeline"), a minute old.</summary>
    private static byte[] MilestoneDelivery(string eventId, string releaseId, string system, string milestone, DateTimeOffset at)
    {
        const string type = "dev.cdeventsx.releasefunctions-milestone.reached.0.1.0";
        return System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new
        {
            specversion = "1.0",
            id = eventId,
            source = "/ci/otel",
            type,
            datacontenttype = "application/json",
            data = new
            {
                context = new { specversion = "0.4.1", id = eventId, source = "/ci/otel", type, timestamp = at.AddMinutes(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture) },
                subject = new { id = releaseId, source = "/ci/otel", type = "releasefunctions-milestone", content = new { milestone } },
                customData = new { releaseId, system },
            },
        });
    }

    /// <summary>POSTs a signed CDEvents delivery to the webhook handler; its status and the event id it answered.</summary>
    private static async Task<(int Status, string? EventId)> PostCDEventAsync(ApiHarness h, byte[] body)
    {
        var context = new DefaultHttpContext { RequestServices = h.Services };
        var at = h.Time.GetUtcNow().ToUnixTimeSeconds();
        context.Request.Method = "POST";
        context.Request.ContentType = "application/cloudevents+json";
        context.Request.ContentLength = body.Length;
        context.Request.Body = new MemoryStream(body);
        context.Request.Headers[CDEventsSignature.Header] = CDEventsSignature.Sign(body, at, ApiHarness.CDEventsSecret);
        context.Request.Headers[CDEventsSignature.TimestampHeader] = at.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var response = new MemoryStream();
        context.Response.Body = response;
        var result = await h.Services.GetRequiredService<WebhookHandlers>().CDEventsAsync(context.Request, Ct);
        await result.ExecuteAsync(context);
        var json = System.Text.Json.Nodes.JsonNode.Parse(Encoding.UTF8.GetString(response.ToArray()));
        return (context.Response.StatusCode, json?["eventId"]?.ToString());
    }

    /// <summary>Processes every message of the harness's queue as the queue trigger would (outside any span of the test).</summary>
    private static async Task<List<ProcessOutcome>> DrainAsync(ApiHarness h)
    {
        var queue = h.Services.GetRequiredService<EventStorageClients>().Queue;
        var processor = h.Services.GetRequiredService<PipelineEventProcessor>();
        var outcomes = new List<ProcessOutcome>();
        while ((await queue.ReceiveMessagesAsync(32, cancellationToken: Ct)).Value is { Length: > 0 } messages)
        {
            foreach (var message in messages)
            {
                outcomes.Add(await processor.ProcessAsync(message.MessageText, h.Client, Ct));
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, Ct);
            }
        }

        return outcomes;
    }

    [Fact]
    public async Task SignedWebhookDelivery_MilestoneOfAWaitingRelease_IsOneTraceFromWebhookThroughQueueToTheStatusWriteWithItsMetrics()
    {
        using var telemetry = new TelemetryRecorder();
        var system = "Otel" + Guid.NewGuid().ToString("N")[..8];
        var defaults = ReleasePolicyDefaults.Create();
        await using var h = await ApiHarness.StartAsync(
            defaults with { Systems = new Dictionary<string, SystemPolicy>(defaults.Systems) { [system] = defaults.Systems["Billing"] } }, lifecycle: true);
        var id = await h.StartReleaseAsync(system: system);
        var asked = await WaitForAsync(h, id, r => r.PendingApprovals is [{ Stage: ApprovalStageKeys.Plan }], "the plan approval to be asked");
        foreach (var role in asked.PendingApprovals![0].MissingRoles)
        {
            Assert.Equal(202, (await ApproveAsync(h, id, role)).Status);
        }

        await WaitForAsync(h, id, r => r.Stage == ReleaseStages.Milestones, "the release to wait for its milestones");
        var milestone = h.Policy.Promotion.Milestones[0];
        var (status, eventId) = await PostCDEventAsync(h, MilestoneDelivery(Guid.NewGuid().ToString(), id, system, milestone, h.Time.GetUtcNow()));
        Assert.Equal(202, status);
        h.Time.Advance(TimeSpan.FromSeconds(7)); // processed 7 s after its acknowledgement
        Assert.Equal([ProcessOutcome.Processed], await DrainAsync(h));

        // webhook receive -> pipeline-event process -> release status write: one trace, each span the parent of the next.
        var webhook = Assert.Single(telemetry.Spans, s => s.OperationName == ReleaseTelemetry.Spans.WebhookReceive && Equals(s.GetTagItem(ReleaseTelemetry.Tags.EventId), eventId));
        var trace = webhook.TraceId;
        var write = await Eventually.ValueAsync(
            () => Task.FromResult(telemetry.Spans.FirstOrDefault(s => s.TraceId == trace && s.OperationName == ReleaseTelemetry.Spans.ReleaseStatusWrite)),
            Patience,
            "the lifecycle's status write of the milestone in the webhook's trace");
        var process = Assert.Single(telemetry.Spans, s => s.TraceId == trace && s.OperationName == ReleaseTelemetry.Spans.PipelineEventProcess);
        Assert.Equal((webhook.SpanId, ActivityKind.Consumer), (process.ParentSpanId, process.Kind));
        Assert.Equal(process.SpanId, write.ParentSpanId);
        Assert.Equal((id, "cdevents", "Processed"), (process.GetTagItem(ReleaseTelemetry.Tags.ReleaseId), process.GetTagItem(ReleaseTelemetry.Tags.Source), process.GetTagItem(ReleaseTelemetry.Tags.Outcome)));
        Assert.Equal(id, write.GetTagItem(ReleaseTelemetry.Tags.ReleaseId));
        Assert.Contains(await h.Store.GetTimelineAsync(id, Ct), l => l.Message == $"Milestone {milestone} reached.");

        // The counters and the lag, recorded in this trace, with their tags.
        var acknowledged = Assert.Single(telemetry.In(trace, ReleaseTelemetry.Metrics.DeliveriesAcknowledged));
        var processed = Assert.Single(telemetry.In(trace, ReleaseTelemetry.Metrics.EventsProcessed));
        var lag = Assert.Single(telemetry.In(trace, ReleaseTelemetry.Metrics.ProcessingLag));
        Assert.Equal((1d, "cdevents", "accepted"), (acknowledged.Value, acknowledged.Tag(ReleaseTelemetry.Tags.Source), acknowledged.Tag(ReleaseTelemetry.Tags.Result)));
        Assert.Equal((1d, "cdevents", "Processed"), (processed.Value, processed.Tag(ReleaseTelemetry.Tags.Source), processed.Tag(ReleaseTelemetry.Tags.Outcome)));
        Assert.Equal((7d, "cdevents"), (lag.Value, lag.Tag(ReleaseTelemetry.Tags.Source)));

        // The same delivery again: acknowledged as a duplicate and processed as one, each counted once more in its own trace.
        using (telemetry.Trace(out var again))
        {
            var body = MilestoneDelivery(eventId!.Split(':')[1], id, system, milestone, h.Time.GetUtcNow().AddSeconds(-7));
            Assert.Equal(202, (await PostCDEventAsync(h, body)).Status);
            Assert.Equal([ProcessOutcome.Duplicate], await DrainAsync(h));
            Assert.Equal(["accepted"], telemetry.In(again, ReleaseTelemetry.Metrics.DeliveriesAcknowledged).Select(m => m.Tag(ReleaseTelemetry.Tags.Result)));
            Assert.Equal(["Duplicate"], telemetry.In(again, ReleaseTelemetry.Metrics.EventsProcessed).Select(m => m.Tag(ReleaseTelemetry.Tags.Outcome)));
        }

        await h.Client.TerminateInstanceAsync(id, "test: done", Ct);
    }

    [Fact]
    public async Task StrandedCheck_AStrandedReleaseAndOneWaitingOutAMailOutage_RecordsTheGaugesByPhaseAndDependency()
    {
        using var telemetry = new TelemetryRecorder();
        await using var h = await ApiHarness.StartAsync();
        var stranded = await h.StartReleaseAsync(targetDate: ValidRelease.TargetDate(35));
        var waiting = await h.StartReleaseAsync(targetDate: ValidRelease.TargetDate(49));
        var since = h.Time.GetUtcNow() - TimeSpan.FromHours(2);
        await h.Store.ApplyAsync(WarningChange.Raise(waiting, new ReleaseWarning(
            Dependencies.WarningCode, $"The {Dependencies.Mail} is unavailable since {since:yyyy-MM-dd HH:mm:ss} UTC: the plan approval emails waits.", since)), Ct);
        await h.Client.TerminateInstanceAsync(stranded, "test: the instance is lost", Ct);
        await h.Client.WaitForInstanceCompletionAsync(stranded, Ct);
        h.Time.Advance(StrandedReleases.Grace + TimeSpan.FromMinutes(5));
        var phase = (await h.Store.GetAsync(stranded, Ct))!.Phase;

        using (telemetry.Trace(out var trace))
        {
            var run = await h.Services.GetRequiredService<StrandedReleases>().RunAsync(h.Client, new ReleaseQuery(System: h.System, Max: 1000), Ct);
            Assert.Equal([stranded], run.Stranded);

            double Gauge(string name, string? tag = null, string? value = null) =>
                Assert.Single(telemetry.In(trace, name), m => tag is null || m.Tag(tag) == value).Value;
            Assert.Equal(1d, Gauge(ReleaseTelemetry.Metrics.ReleasesStranded));
            Assert.Equal(2d, Gauge(ReleaseTelemetry.Metrics.ReleasesActive, ReleaseTelemetry.Tags.Phase, phase.ToString()));
            Assert.Equal(2d, telemetry.In(trace, ReleaseTelemetry.Metrics.ReleasesActive).Sum(m => m.Value));
            Assert.Equal(Enum.GetValues<ReleasePhase>().Length, telemetry.In(trace, ReleaseTelemetry.Metrics.ReleasesActive).Count);
            Assert.Equal(1d, Gauge(ReleaseTelemetry.Metrics.ReleasesWaitingOnDependency, ReleaseTelemetry.Tags.Dependency, Dependencies.Mail));
            Assert.Equal(0d, Gauge(ReleaseTelemetry.Metrics.ReleasesWaitingOnDependency, ReleaseTelemetry.Tags.Dependency, Dependencies.Storage));
            Assert.Equal((2 * 60 + 7) * 60d, Gauge(ReleaseTelemetry.Metrics.DependencyOutageLongest, ReleaseTelemetry.Tags.Dependency, Dependencies.Mail));
            Assert.Equal(0d, Gauge(ReleaseTelemetry.Metrics.DependencyOutageLongest, ReleaseTelemetry.Tags.Dependency, Dependencies.Pipeline));
        }

        // The next check still counts it (flagged before): the gauge stays up while the release is stranded.
        using (telemetry.Trace(out var next))
        {
            await h.Services.GetRequiredService<StrandedReleases>().RunAsync(h.Client, new ReleaseQuery(System: h.System, Max: 1000), Ct);
            Assert.Equal([1d], telemetry.In(next, ReleaseTelemetry.Metrics.ReleasesStranded).Select(m => m.Value));
        }

        await h.EndAsync(waiting);
    }
}

/// <summary>One measurement of an instrument of <see cref="ReleaseTelemetry.Meter"/>, with the trace it was recorded in.</summary>
public sealed record Measured(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags, ActivityTraceId TraceId)
{
    public string? Tag(string name) => Tags.TryGetValue(name, out var value) ? value?.ToString() : null;
}

/// <summary>Collects the spans of the app's (and the Durable Task SDK's) sources and the measurements of the app's meter.</summary>
public sealed class TelemetryRecorder : IDisposable
{
    // Listened to by name: a listener asked about this source while its field is being initialized sees null.
    private const string TestSourceName = "ReleaseManagement.Api.Tests";
    private static readonly ActivitySource TestSource = new(TestSourceName);
    private readonly ActivityListener _spans;
    private readonly MeterListener _meters = new();
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ConcurrentQueue<Measured> _measured = new();

    public TelemetryRecorder()
    {
        _spans = new ActivityListener
        {
            ShouldListenTo = s => s.Name is ReleaseTelemetry.Name or ReleaseTelemetry.DurableTaskSource or TestSourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => _stopped.Enqueue(a),
        };
        ActivitySource.AddActivityListener(_spans);
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ReleaseTelemetry.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        _meters.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        _meters.Start();
    }

    public IReadOnlyList<Activity> Spans => _stopped.ToArray();

    /// <summary>The measurements of <paramref name="instrument"/> recorded in <paramref name="trace"/>.</summary>
    public IReadOnlyList<Measured> In(ActivityTraceId trace, string instrument) =>
        _measured.Where(m => m.TraceId == trace && m.Instrument == instrument).ToArray();

    /// <summary>A span of the test's own, so what is recorded under it is told apart from other tests' measurements.</summary>
    public Activity Trace(out ActivityTraceId trace)
    {
        var span = TestSource.StartActivity("test")!;
        trace = span.TraceId;
        return span;
    }

    private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        _measured.Enqueue(new Measured(instrument.Name, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), copy, Activity.Current?.TraceId ?? default));
    }

    public void Dispose()
    {
        _meters.Dispose();
        _spans.Dispose();
    }
}
