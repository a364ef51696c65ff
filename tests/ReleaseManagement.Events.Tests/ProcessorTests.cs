using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using ReleaseManagement.Api.Webhooks;
using ReleaseManagement.Azure.Events;
using ReleaseManagement.Events;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Events.Tests;

/// <summary>The queue processor against Azurite and the in-process Durable engine.</summary>
public sealed class ProcessorTests
{
    private const string Waiter = "WaitForPipelineEvent";
    private static readonly DateTimeOffset July = new(2025, 7, 1, 0, 0, 0, TimeSpan.Zero);

    private static Task<DurableTaskTestHost> StartDurableAsync() => ReleaseFunctions.TestSupport.InProcessEngine.StartAsync(
        r => r.AddOrchestratorFunc<string, CanonicalEvent>(Waiter, (context, _) => context.WaitForExternalEvent<CanonicalEvent>(ReleaseEventNames.Pipeline)),
        TestContext.Current.CancellationToken);

    private static async Task<string> PostWorkflowRunAsync(EventsHarness h, string deliveryId, string branch = "release/2025.07")
    {
        var body = System.Text.Encoding.UTF8.GetBytes(Fixture.Text("github/workflow_run.completed.json").Replace("release/2025.07", branch));
        var response = await h.PostAsync(EventSources.GitHub, body, Sign.GitHub(body, "workflow_run", deliveryId));
        Assert.Equal(202, response.Status);
        return response.Str("eventId")!;
    }

    [Fact]
    public async Task Processor_EventForRunningRelease_IsStoredAndRaisedToItsOrchestration()
    {
        await using var h = EventsHarness.Create();
        await using var durable = await StartDurableAsync();
        var releaseId = "rel-" + Guid.NewGuid().ToString("N")[..8];
        await durable.Client.ScheduleNewOrchestrationInstanceAsync(Waiter, "x", new StartOrchestrationOptions(InstanceId: releaseId), TestContext.Current.CancellationToken);
        await durable.Client.WaitForInstanceStartAsync(releaseId, TestContext.Current.CancellationToken);
        var eventId = await PostWorkflowRunAsync(h, Guid.NewGuid().ToString(), "release/" + releaseId);

        Assert.Equal(1, await h.DrainAsync(durable.Client));

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var instance = await durable.Client.WaitForInstanceCompletionAsync(releaseId, getInputsAndOutputs: true, cts.Token);
        var raised = instance.ReadOutputAs<CanonicalEvent>()!;
        Assert.Equal(eventId, raised.EventId);
        Assert.Equal(CanonicalEventType.PipelineRunFinished, raised.Type);
        Assert.Equal(releaseId, raised.ReleaseId);
        var stored = Assert.Single(await h.Store.ListByReleaseAsync(releaseId, TestContext.Current.CancellationToken));
        Assert.Equal(EventDelivery.Raised, stored.Delivery);
        Assert.Equal(eventId, stored.Event.EventId);
    }

    [Fact]
    public async Task Processor_ReleaseWithoutOrchestration_StoresTheEventAndSucceeds()
    {
        await using var h = EventsHarness.Create();
        await using var durable = await StartDurableAsync();
        await PostWorkflowRunAsync(h, Guid.NewGuid().ToString(), "release/never-started");

        await h.DrainAsync(durable.Client);

        var stored = Assert.Single(await h.Store.ListByReleaseAsync("never-started", TestContext.Current.CancellationToken));
        Assert.Equal(EventDelivery.NotRunning, stored.Delivery);
    }

    [Fact]
    public async Task Processor_UncorrelatedEvent_IsStoredForMetricsOnly()
    {
        await using var h = EventsHarness.Create();
        await using var durable = await StartDurableAsync();
        var eventId = await PostWorkflowRunAsync(h, Guid.NewGuid().ToString(), "main");

        await h.DrainAsync(durable.Client);

        var stored = Assert.Single(await h.Store.ListByPeriodAsync(July, July.AddMonths(1), TestContext.Current.CancellationToken));
        Assert.Equal(eventId, stored.Event.EventId);
        Assert.Null(stored.Event.ReleaseId);
        Assert.Equal(EventDelivery.Uncorrelated, stored.Delivery);
        Assert.Empty(await h.Store.ListByPeriodAsync(July.AddMonths(1), July.AddMonths(2), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Processor_SameMessageTwice_SecondIsDuplicateAndChangesNothing()
    {
        await using var h = EventsHarness.Create();
        await using var durable = await StartDurableAsync();
        var deliveryId = Guid.NewGuid().ToString();
        await PostWorkflowRunAsync(h, deliveryId, "release/twice");
        var message = Assert.Single((await h.Storage.Queue.ReceiveMessagesAsync(32, cancellationToken: TestContext.Current.CancellationToken)).Value).MessageText;

        var first = await h.Processor.ProcessAsync(message, durable.Client, TestContext.Current.CancellationToken);
        var before = Assert.Single(await h.Store.ListByReleaseAsync("twice", TestContext.Current.CancellationToken));
        h.Time.Advance(TimeSpan.FromMinutes(5));
        var second = await h.Processor.ProcessAsync(message, durable.Client, TestContext.Current.CancellationToken);

        Assert.Equal(ProcessOutcome.Processed, first);
        Assert.Equal(ProcessOutcome.Duplicate, second);
        var after = Assert.Single(await h.Store.ListByReleaseAsync("twice", TestContext.Current.CancellationToken));
        Assert.Equal((before.StoredAt, before.ProcessedAt, before.Delivery), (after.StoredAt, after.ProcessedAt, after.Delivery));
        Assert.Single(await h.Store.ListByPeriodAsync(July, July.AddMonths(1), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Webhook_AzureDevOpsBuildCompleteResourceVersion1_IsAcceptedAndStored_NotIgnored()
    {
        // A build.complete in the resource version 1.0 shape Azure DevOps documents (outcome in 'status', no 'result'; see
        // Fixtures/azure-devops/README.md), posted through the Azure DevOps webhook with its Basic credentials and header.
        await using var h = EventsHarness.Create();
        await using var durable = await StartDurableAsync();
        var body = Fixture.Bytes("azure-devops/build.complete.v1.json");

        var response = await h.PostAsync(EventSources.AzureDevOps, body, Sign.AzureDevOps());

        Assert.Equal(202, response.Status);
        Assert.Equal("accepted", response.Str("status"));
        Assert.Equal("PipelineRunFinished", response.Str("type"));
        Assert.Equal("azure-devops:5a0d6aac-bcf2-43b1-bca6-be008bc68587", response.Str("eventId"));
        Assert.Equal(1, await h.DrainAsync(durable.Client));
        var stored = Assert.Single(await h.Store.ListByReleaseAsync("2025.09", TestContext.Current.CancellationToken));
        Assert.Equal("azure-devops:5a0d6aac-bcf2-43b1-bca6-be008bc68587", stored.Event.EventId);
        Assert.Equal(EventOutcomes.Success, stored.Event.Outcome);
        Assert.Equal(EventDelivery.NotRunning, stored.Delivery);
    }

    [Fact]
    public async Task Webhook_ConcurrentDuplicateDeliveries_ExactlyOneEventStored()
    {
        await using var h = EventsHarness.Create();
        await using var durable = await StartDurableAsync();
        var body = Fixture.Bytes("cdevents/pipelinerun-finished.json");
        var headers = Sign.CDEvents(body, EventsHarness.Now);

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(() => h.PostAsync(EventSources.CDEvents, body, headers))));

        Assert.All(responses, r => Assert.InRange(r.Status, 200, 299));
        Assert.Contains(responses, r => r.Status == 202);
        // The acknowledgement is one queue send: every copy is enqueued (inline, no blob), the processor counts one.
        Assert.Equal(12, await h.QueuedAsync());
        Assert.Equal(0, await h.StoredDeliveriesAsync());
        var processed = await h.DrainAsync(durable.Client);
        Assert.InRange(processed, 1, 12);
        var stored = Assert.Single(await h.Store.ListByPeriodAsync(July, July.AddMonths(1), TestContext.Current.CancellationToken));
        Assert.Equal("cdevents:271069a8-fc18-44f1-b38f-9d70a1695819", stored.Event.EventId);
        Assert.Single(await h.Store.ListByReleaseAsync("2025.07", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Processor_MessageThatIsNotOurs_Throws()
    {
        await using var h = EventsHarness.Create();
        await using var durable = await StartDurableAsync();

        await Assert.ThrowsAsync<FormatException>(() => h.Processor.ProcessAsync("hello", durable.Client, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            h.Processor.ProcessAsync(new PipelineEventMessage(EventSources.GitHub, "no-such-delivery", "workflow_run").ToJson(), durable.Client, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task QueuePump_PoisonMessage_LandsInPoisonQueueAfterDequeueLimit_AndReplayPutsItBack()
    {
        await using var h = EventsHarness.Create();
        await using var durable = await StartDurableAsync();
        var options = new QueuePumpOptions { MaxDequeueCount = 3, RetryDelay = TimeSpan.Zero, LeaseTime = TimeSpan.FromSeconds(30) };
        var pump = new QueuePump(h.Storage.Queue, h.Storage.PoisonQueue, options, NullLogger.Instance);
        var poisonText = new PipelineEventMessage(EventSources.GitHub, "deleted-delivery", "workflow_run").ToJson();
        await h.Storage.Queue.CreateIfNotExistsAsync(cancellationToken: TestContext.Current.CancellationToken);
        await h.Storage.Queue.SendMessageAsync(poisonText, TestContext.Current.CancellationToken);
        var attempts = 0;

        await ReleaseFunctions.TestSupport.Eventually.ValueAsync(async () =>
        {
            await pump.RunOnceAsync(async (text, ct) =>
            {
                Interlocked.Increment(ref attempts);
                await h.Processor.ProcessAsync(text, durable.Client, ct);
            }, TestContext.Current.CancellationToken);
            var poisoned = (await h.Storage.PoisonQueue.PeekMessagesAsync(32, TestContext.Current.CancellationToken)).Value;
            return poisoned.Length > 0 ? poisoned : null;
        }, TimeSpan.FromSeconds(30), "the message to reach the poison queue");

        Assert.Equal(3, attempts);
        Assert.Empty((await h.Storage.Queue.PeekMessagesAsync(32, TestContext.Current.CancellationToken)).Value);
        var poison = Assert.Single((await h.Storage.PoisonQueue.PeekMessagesAsync(32, TestContext.Current.CancellationToken)).Value);
        Assert.Equal(poisonText, poison.MessageText);

        var moved = await PoisonReplay.ReplayAsync(h.Storage.PoisonQueue, h.Storage.Queue, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(1, moved);
        Assert.Empty((await h.Storage.PoisonQueue.PeekMessagesAsync(32, TestContext.Current.CancellationToken)).Value);
        Assert.Equal(poisonText, Assert.Single((await h.Storage.Queue.PeekMessagesAsync(32, TestContext.Current.CancellationToken)).Value).MessageText);
    }

    [Fact]
    public async Task QueuePump_HandledMessage_IsDeletedAndEventStored()
    {
        await using var h = EventsHarness.Create();
        await using var durable = await StartDurableAsync();
        await PostWorkflowRunAsync(h, Guid.NewGuid().ToString(), "release/pumped");
        var pump = new QueuePump(h.Storage.Queue, h.Storage.PoisonQueue, new QueuePumpOptions(), NullLogger.Instance);

        var received = await pump.RunOnceAsync((text, ct) => h.Processor.ProcessAsync(text, durable.Client, ct), TestContext.Current.CancellationToken);

        Assert.Equal(1, received);
        Assert.Equal(0, await h.QueuedAsync());
        Assert.Single(await h.Store.ListByReleaseAsync("pumped", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Webhook_SameSmallDeliveryTwice_IsEnqueuedTwice_AndCountedOnce()
    {
        await using var h = EventsHarness.Create();
        await using var durable = await StartDurableAsync();
        var body = System.Text.Encoding.UTF8.GetBytes(Fixture.Text("github/workflow_run.completed.json").Replace("release/2025.07", "release/redelivered"));
        var headers = Sign.GitHub(body, "workflow_run", "55555555-0000-0000-0000-000000000001");

        var first = await h.PostAsync(EventSources.GitHub, body, headers);
        var second = await h.PostAsync(EventSources.GitHub, body, headers);

        // One storage call each: the send. Neither can know of the other, so both are accepted and enqueued.
        Assert.Equal((202, 202), (first.Status, second.Status));
        Assert.Equal(first.Str("eventId"), second.Str("eventId"));
        Assert.Equal(2, await h.QueuedAsync());
        var messages = (await h.Storage.Queue.ReceiveMessagesAsync(32, cancellationToken: TestContext.Current.CancellationToken)).Value;
        var outcomes = new List<ProcessOutcome>();
        foreach (var message in messages)
        {
            outcomes.Add(await h.Processor.ProcessAsync(message.MessageText, durable.Client, TestContext.Current.CancellationToken));
        }

        Assert.Equal([ProcessOutcome.Processed, ProcessOutcome.Duplicate], outcomes);
        var stored = Assert.Single(await h.Store.ListByPeriodAsync(July, July.AddMonths(1), TestContext.Current.CancellationToken));
        Assert.Equal(first.Str("eventId"), stored.Event.EventId);
        Assert.Single(await h.Store.ListByReleaseAsync("redelivered", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Processor_InlineDelivery_KeepsItRawOnTheEventRow_NotOnTheIndexRow()
    {
        await using var h = EventsHarness.Create();
        await using var durable = await StartDurableAsync();
        var body = System.Text.Encoding.UTF8.GetBytes(Fixture.Text("github/workflow_run.completed.json").Replace("release/2025.07", "release/kept-raw"));
        var response = await h.PostAsync(EventSources.GitHub, body, Sign.GitHub(body, "workflow_run", "raw-kept-1"));
        Assert.Equal(202, response.Status);

        Assert.Equal(1, await h.DrainAsync(durable.Client));

        var table = h.Storage.Tables.GetTableClient(h.Storage.Names.Table);
        var row = Assert.Single(table.Query<global::Azure.Data.Tables.TableEntity>(e => e.RowKey == "github:raw-kept-1", cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(body, row.GetBinary(TablePipelineEventStore.RawBodyColumn));
        Assert.Equal("raw-kept-1", row.GetString(TablePipelineEventStore.RawDeliveryIdColumn));
        Assert.Equal("workflow_run", row.GetString(TablePipelineEventStore.RawEventTypeColumn));
        Assert.Equal(EventsHarness.Now, row.GetDateTimeOffset(TablePipelineEventStore.RawReceivedAtColumn));
        var index = Assert.Single(table.Query<global::Azure.Data.Tables.TableEntity>(e => e.PartitionKey == TablePipelineEventStore.ReleaseKey("kept-raw"), cancellationToken: TestContext.Current.CancellationToken));
        Assert.False(index.ContainsKey(TablePipelineEventStore.RawBodyColumn));
        Assert.Equal(0, await h.StoredDeliveriesAsync());
    }
}
