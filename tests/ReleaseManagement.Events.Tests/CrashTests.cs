using System.Text;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using ReleaseManagement.Api.Webhooks;
using ReleaseManagement.Events;
using ReleaseManagement.Metrics;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Events.Tests;

/// <summary>
/// The processor killed between each pair of its storage calls, then the message redelivered: every event is counted
/// exactly once and the metric facts (the stored events, the release's index, the stale marks) are those of a run that
/// never stopped. Also the queue message formats: inline for a small delivery, a reference for a large one, and the
/// reference format of earlier versions still read.
/// </summary>
public sealed class CrashTests
{
    private const string Waiter = "WaitForPipelineEvents";
    private static readonly DateOnly July1 = new(2025, 7, 1);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<DurableTaskTestHost> StartDurableAsync() => ReleaseFunctions.TestSupport.InProcessEngine.StartAsync(
        r => r.AddOrchestratorFunc<string, CanonicalEvent>(Waiter, (context, _) => context.WaitForExternalEvent<CanonicalEvent>(ReleaseEventNames.Pipeline)),
        Ct);

    /// <summary>A late production deployment (2025-07-07, stored on the 10th) of a running release: every kind of storage call.</summary>
    private static byte[] LateDeployment(string releaseId) => Encoding.UTF8.GetBytes(Fixture.Text("github/deployment_status.success.json")
        .Replace("2025-07-10T14:02:11Z", "2025-07-07T14:02:11Z").Replace("\"releaseId\": \"2025.07\"", $"\"releaseId\": \"{releaseId}\""));

    private sealed record Run(int Calls, string Events, string Index, string Stale);

    /// <summary>Posts the delivery, processes its message with the processor stopping after storage call <paramref name="failAfter"/>
    /// (none when null), then processes the redelivered message without faults.</summary>
    private static async Task<Run> RunAsync(DurableTaskTestHost durable, int? failAfter)
    {
        await using var h = EventsHarness.Create();
        var releaseId = "crash-" + Guid.NewGuid().ToString("N")[..8];
        await durable.Client.ScheduleNewOrchestrationInstanceAsync(Waiter, "x", new StartOrchestrationOptions(InstanceId: releaseId), Ct);
        await durable.Client.WaitForInstanceStartAsync(releaseId, Ct);
        var body = LateDeployment(releaseId);
        Assert.Equal(202, (await h.PostAsync(EventSources.GitHub, body, Sign.GitHub(body, "deployment_status", "crash-1"))).Status);
        var message = Assert.Single((await h.Storage.Queue.ReceiveMessagesAsync(32, cancellationToken: Ct)).Value).MessageText;

        var faults = new Faults(failAfter);
        var processor = FaultyProcessor(h, faults);
        if (failAfter is null)
        {
            Assert.Equal(ProcessOutcome.Processed, await processor.ProcessAsync(message, durable.Client, Ct));
        }
        else
        {
            var crash = await Assert.ThrowsAsync<Crash>(() => processor.ProcessAsync(message, durable.Client, Ct));
            Assert.Equal(failAfter, crash.AfterCall);
            faults.Disarm();
            // Stopped before its index row: finished now; after it: a duplicate that repeats the late marks.
            Assert.Contains(await processor.ProcessAsync(message, durable.Client, Ct), new[] { ProcessOutcome.Processed, ProcessOutcome.Duplicate });
        }

        // A third delivery of the same message, as a queue may do after a lost delete: nothing more.
        Assert.Equal(ProcessOutcome.Duplicate, await h.Processor.ProcessAsync(message, durable.Client, Ct));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TimeSpan.FromSeconds(30));
        var instance = await durable.Client.WaitForInstanceCompletionAsync(releaseId, getInputsAndOutputs: true, cts.Token);
        Assert.Equal("github:crash-1", instance.ReadOutputAs<CanonicalEvent>()!.EventId);

        var events = await h.Store.ListByPeriodAsync(new DateTimeOffset(2025, 7, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 8, 1, 0, 0, 0, TimeSpan.Zero), Ct);
        var index = await h.Store.ListByReleaseAsync(releaseId, Ct);
        var stale = await h.Services.GetRequiredService<IMetricsDailyStore>().ListStaleAsync(July1, July1.AddMonths(1), Ct);
        return new Run(
            faults.Calls,
            string.Join(";", events.Select(e => $"{e.Event.EventId}|{e.Event.Type}|{e.Event.OccurredAt:O}|{e.Event.Environment}|{e.Event.Outcome}|{e.Delivery}")),
            string.Join(";", index.Select(e => $"{e.Event.EventId}|{e.Event.Type}|{e.Event.OccurredAt:O}|{e.Delivery}")),
            string.Join(";", stale.Select(s => $"{s.Date:yyyy-MM-dd}|{s.Reason}")));
    }

    [Fact]
    public async Task Processor_KilledAfterEachStorageCall_RedeliveryCountsTheEventExactlyOnce()
    {
        await using var durable = await StartDurableAsync();
        var clean = await RunAsync(durable, failAfter: null);
        Assert.Equal("github:crash-1|ServiceDeployed|2025-07-07T14:02:11.0000000+00:00|production|success|raised", clean.Events);
        Assert.Equal("github:crash-1|ServiceDeployed|2025-07-07T14:02:11.0000000+00:00|raised", clean.Index);
        Assert.StartsWith("2025-07-07|late ServiceDeployed event github:crash-1", clean.Stale);
        // The insert, the index row, the release's events for the late marks, the stale mark: each is a place to stop.
        Assert.True(clean.Calls >= 4, $"only {clean.Calls} storage calls counted");

        for (var k = 1; k <= clean.Calls; k++)
        {
            var crashed = await RunAsync(durable, failAfter: k);
            Assert.True((clean.Events, clean.Index, clean.Stale) == (crashed.Events, crashed.Index, crashed.Stale),
                $"stopped after call {k}: events {crashed.Events}, index {crashed.Index}, stale {crashed.Stale}");
        }
    }

    [Fact]
    public async Task Webhook_SmallDelivery_TravelsInsideItsMessage_ALargeOneByReference()
    {
        await using var h = EventsHarness.Create();
        var small = Fixture.Bytes("github/workflow_run.completed.json");
        var json = Fixture.Text("github/workflow_run.completed.json");
        var large = Encoding.UTF8.GetBytes(json.TrimEnd().TrimEnd('}') + $", \"padding\": \"{new string('x', 40_000)}\" }}");

        Assert.Equal(202, (await h.PostAsync(EventSources.GitHub, small, Sign.GitHub(small, "workflow_run", "inline-1"))).Status);
        Assert.Equal(202, (await h.PostAsync(EventSources.GitHub, large, Sign.GitHub(large, "workflow_run", "reference-1"))).Status);

        var messages = (await h.Storage.Queue.ReceiveMessagesAsync(32, cancellationToken: Ct)).Value
            .Select(m => PipelineEventMessage.Parse(m.MessageText)).ToDictionary(m => m.DeliveryId);
        Assert.True(messages["inline-1"].IsInline);
        Assert.Equal(small, messages["inline-1"].ToDelivery().Body.ToArray());
        Assert.Equal(EventsHarness.Now, messages["inline-1"].ReceivedAt);
        Assert.False(messages["reference-1"].IsInline);
        Assert.Null(messages["reference-1"].Body);
        // Only the large one is a blob (marked enqueued, so its redelivery is a duplicate); the small one is in its message
        // only, and the processor keeps it raw on the event row.
        Assert.Equal(1, await h.StoredDeliveriesAsync());
        var raw = h.Services.GetRequiredService<IRawDeliveryStore>();
        Assert.Null(await raw.GetAsync(EventSources.GitHub, "inline-1", Ct));
        Assert.True(await raw.IsEnqueuedAsync(EventSources.GitHub, "reference-1", Ct));
        Assert.Equal(large, (await raw.GetAsync(EventSources.GitHub, "reference-1", Ct))!.Body.ToArray());
        Assert.InRange(Convert.ToBase64String(Encoding.UTF8.GetBytes(messages["inline-1"].ToJson())).Length, 1, 64 * 1024);
    }

    [Fact]
    public void PipelineEventMessage_LargestInlineDelivery_FitsTheQueueLimitAfterBase64()
    {
        var body = new byte[20_000];
        var delivery = new RawDelivery(EventSources.GitHub, new string('d', 64), new string('t', 40), DateTimeOffset.UnixEpoch, body);
        var biggest = Enumerable.Range(0, 20_000).Select(extra => new RawDelivery(delivery.Source, delivery.DeliveryId, delivery.EventType, delivery.ReceivedAt, new byte[body.Length + extra]))
            .TakeWhile(d => PipelineEventMessage.Inline(d) is not null).Last();

        var text = PipelineEventMessage.Inline(biggest)!.ToJson();

        Assert.True(text.Length <= PipelineEventMessage.MaxInlineChars, $"{text.Length} characters");
        // The queue's limit is 64 KiB of Base64 text; keep at least 8 KiB of headroom.
        Assert.True(Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).Length <= 56 * 1024);
        Assert.Null(PipelineEventMessage.Inline(new RawDelivery(delivery.Source, delivery.DeliveryId, delivery.EventType, delivery.ReceivedAt, new byte[biggest.Body.Length + 1])));
    }

    [Fact]
    public async Task Processor_InlineDeliveryTheRulesNoLongerTake_IsDroppedButKeptRaw()
    {
        // Accepted at the endpoint, then the rules changed: the message's delivery normalizes to nothing we use. Its body
        // travelled only in the message, so dropping it must not lose it.
        await using var h = EventsHarness.Create();
        await using var durable = await StartDurableAsync();
        var body = Encoding.UTF8.GetBytes("{\"zen\":\"Keep it logically awesome.\",\"hook_id\":1}");
        var delivery = new RawDelivery(EventSources.GitHub, "dropped-1", "ping", EventsHarness.Now, body);
        var message = PipelineEventMessage.Inline(delivery)!.ToJson();

        Assert.Equal(ProcessOutcome.Dropped, await h.Processor.ProcessAsync(message, durable.Client, Ct));
        Assert.Equal(ProcessOutcome.Dropped, await h.Processor.ProcessAsync(message, durable.Client, Ct)); // redelivered

        var raw = h.Services.GetRequiredService<IRawDeliveryStore>();
        Assert.Equal(body, (await raw.GetAsync(EventSources.GitHub, "dropped-1", Ct))!.Body.ToArray());
        Assert.Equal(1, await h.StoredDeliveriesAsync());
    }

    [Fact]
    public async Task Processor_ReferenceMessageOfAnEarlierVersion_IsProcessed_AndItsInlineTwinIsADuplicate()
    {
        await using var h = EventsHarness.Create();
        await using var durable = await StartDurableAsync();
        var body = Fixture.Bytes("github/workflow_run.completed.json");
        var delivery = new RawDelivery(EventSources.GitHub, "upgrade-1", "workflow_run", EventsHarness.Now, body);
        var raw = h.Services.GetRequiredService<IRawDeliveryStore>();
        // What a version before inline messages left in flight: the blob, and a message naming it, in its exact text.
        Assert.True(await raw.TryAddAsync(delivery, cancellationToken: Ct));
        await raw.MarkEnqueuedAsync(delivery.Source, delivery.DeliveryId, delivery, Ct);
        const string Before = "{\"source\":\"github\",\"deliveryId\":\"upgrade-1\",\"eventType\":\"workflow_run\"}";

        Assert.Equal(ProcessOutcome.Processed, await h.Processor.ProcessAsync(Before, durable.Client, Ct));
        Assert.Equal(ProcessOutcome.Duplicate, await h.Processor.ProcessAsync(PipelineEventMessage.Inline(delivery)!.ToJson(), durable.Client, Ct));

        var stored = Assert.Single(await h.Store.ListByReleaseAsync("2025.07", Ct));
        Assert.Equal("github:upgrade-1", stored.Event.EventId);
        Assert.Equal(EventDelivery.NotRunning, stored.Delivery);
    }

    [Fact]
    public async Task Webhook_LargeDeliveryStoredButNeverEnqueued_IsEnqueuedWhenItComesAgain()
    {
        // Left by a host stopped between the blob and the send (a small delivery has no blob: it is one send).
        await using var h = EventsHarness.Create();
        var json = Fixture.Text("github/workflow_run.completed.json");
        var body = Encoding.UTF8.GetBytes(json.TrimEnd().TrimEnd('}') + $", \"padding\": \"{new string('x', 40_000)}\" }}");
        var raw = h.Services.GetRequiredService<IRawDeliveryStore>();
        Assert.True(await raw.TryAddAsync(new RawDelivery(EventSources.GitHub, "stranded-1", "workflow_run", EventsHarness.Now, body), cancellationToken: Ct));

        var response = await h.PostAsync(EventSources.GitHub, body, Sign.GitHub(body, "workflow_run", "stranded-1"));
        var again = await h.PostAsync(EventSources.GitHub, body, Sign.GitHub(body, "workflow_run", "stranded-1"));

        Assert.Equal(202, response.Status);
        Assert.Equal("duplicate", again.Str("status"));
        Assert.Equal(1, await h.QueuedAsync());
        Assert.True(await raw.IsEnqueuedAsync(EventSources.GitHub, "stranded-1", Ct));
    }

    private static PipelineEventProcessor FaultyProcessor(EventsHarness h, Faults faults)
    {
        var store = new FaultyEventStore(h.Store, faults);
        var daily = new FaultyDailyStore(h.Services.GetRequiredService<IMetricsDailyStore>(), faults);
        var policy = h.Services.GetRequiredService<ReleaseManagement.Policy.ReleasePolicy>();
        var late = new LateEventMarker(store, daily, policy, h.Time, NullLogger<LateEventMarker>.Instance);
        return new PipelineEventProcessor(
            new FaultyDeliveryStore(h.Services.GetRequiredService<IRawDeliveryStore>(), faults),
            h.Services.GetRequiredService<PipelineEventNormalizer>(),
            store,
            late,
            h.Time,
            NullLogger<PipelineEventProcessor>.Instance,
            h.Services.GetRequiredService<ReleaseManagement.Ports.IAuditTrail>(),
            h.Services.GetRequiredService<ReleaseManagement.Events.EnvironmentStateWriter>());
    }

    private sealed class Crash(int afterCall) : Exception($"Stopped after storage call {afterCall}.")
    {
        public int AfterCall { get; } = afterCall;
    }

    /// <summary>Counts storage calls; throws right after call number FailAfter has taken effect, as a killed process would stop.</summary>
    private sealed class Faults(int? failAfter)
    {
        private int? _failAfter = failAfter;
        private int _calls;

        public int Calls => _calls;

        public void Disarm() => _failAfter = null;

        public async Task<T> Call<T>(Task<T> call)
        {
            var result = await call;
            After();
            return result;
        }

        public async Task Call(Task call)
        {
            await call;
            After();
        }

        private void After()
        {
            var n = Interlocked.Increment(ref _calls);
            if (n == _failAfter)
            {
                throw new Crash(n);
            }
        }
    }

    private sealed class FaultyEventStore(IPipelineEventStore inner, Faults faults) : IPipelineEventStore
    {
        public Task<StoreOutcome> AddAsync(CanonicalEvent evt, DateTimeOffset storedAt, CancellationToken cancellationToken = default) =>
            faults.Call(inner.AddAsync(evt, storedAt, cancellationToken));

        public Task<StoreOutcome> AddAsync(CanonicalEvent evt, DateTimeOffset storedAt, string? delivery, CancellationToken cancellationToken = default) =>
            faults.Call(inner.AddAsync(evt, storedAt, delivery, cancellationToken));

        public Task<StoreOutcome> AddAsync(CanonicalEvent evt, DateTimeOffset storedAt, string? delivery, RawDelivery? raw, CancellationToken cancellationToken = default) =>
            faults.Call(inner.AddAsync(evt, storedAt, delivery, raw, cancellationToken));

        public Task MarkProcessedAsync(CanonicalEvent evt, string delivery, DateTimeOffset at, CancellationToken cancellationToken = default) =>
            faults.Call(inner.MarkProcessedAsync(evt, delivery, at, cancellationToken));

        public Task RecordIndexAsync(CanonicalEvent evt, string delivery, DateTimeOffset at, CancellationToken cancellationToken = default) =>
            faults.Call(inner.RecordIndexAsync(evt, delivery, at, cancellationToken));

        public Task<StoredPipelineEvent?> GetAsync(string eventId, DateTimeOffset occurredAt, CancellationToken cancellationToken = default) =>
            faults.Call(inner.GetAsync(eventId, occurredAt, cancellationToken));

        public Task<IReadOnlyList<StoredPipelineEvent>> ListByReleaseAsync(string releaseId, CancellationToken cancellationToken = default) =>
            faults.Call(inner.ListByReleaseAsync(releaseId, cancellationToken));

        public Task<IReadOnlyList<StoredPipelineEvent>> ListByPeriodAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
            faults.Call(inner.ListByPeriodAsync(from, to, cancellationToken));
    }

    private sealed class FaultyDailyStore(IMetricsDailyStore inner, Faults faults) : IMetricsDailyStore
    {
        public Task ReplaceDayAsync(DateOnly date, IReadOnlyList<DailyRollup> rows, CancellationToken cancellationToken = default) =>
            faults.Call(inner.ReplaceDayAsync(date, rows, cancellationToken));

        public Task<IReadOnlyList<DailyRollup>> ListAsync(DateOnly from, DateOnly to, string? system = null, CancellationToken cancellationToken = default) =>
            faults.Call(inner.ListAsync(from, to, system, cancellationToken));

        public Task<IReadOnlyList<(DateOnly Date, DayRevision Revision)>> ListRevisionsAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default) =>
            faults.Call(inner.ListRevisionsAsync(from, to, cancellationToken));

        public Task MarkStaleAsync(IReadOnlyCollection<DateOnly> dates, string reason, DateTimeOffset at, CancellationToken cancellationToken = default) =>
            faults.Call(inner.MarkStaleAsync(dates, reason, at, cancellationToken));

        public Task<IReadOnlyList<StaleDay>> ListStaleAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default) =>
            faults.Call(inner.ListStaleAsync(from, to, cancellationToken));

        public Task<bool> ClearStaleAsync(StaleDay mark, CancellationToken cancellationToken = default) =>
            faults.Call(inner.ClearStaleAsync(mark, cancellationToken));
    }

    private sealed class FaultyDeliveryStore(IRawDeliveryStore inner, Faults faults) : IRawDeliveryStore
    {
        public Task<bool> TryAddAsync(RawDelivery delivery, bool enqueued = false, CancellationToken cancellationToken = default) =>
            faults.Call(inner.TryAddAsync(delivery, enqueued, cancellationToken));

        public Task<RawDelivery?> GetAsync(string source, string deliveryId, CancellationToken cancellationToken = default) =>
            faults.Call(inner.GetAsync(source, deliveryId, cancellationToken));

        public Task<bool> IsEnqueuedAsync(string source, string deliveryId, CancellationToken cancellationToken = default) =>
            faults.Call(inner.IsEnqueuedAsync(source, deliveryId, cancellationToken));

        public Task MarkEnqueuedAsync(string source, string deliveryId, RawDelivery? asStored = null, CancellationToken cancellationToken = default) =>
            faults.Call(inner.MarkEnqueuedAsync(source, deliveryId, asStored, cancellationToken));
    }
}
