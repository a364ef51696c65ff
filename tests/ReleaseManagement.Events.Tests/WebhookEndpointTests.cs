using System.Text;
using Microsoft.Extensions.DependencyInjection;
using ReleaseManagement.Events;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Events.Tests;

/// <summary>The webhook handlers against Azurite: what is answered and what is (not) written.</summary>
public sealed class WebhookEndpointTests
{
    [Fact]
    public async Task GitHub_SignedWorkflowRun_Is202AndEnqueuedWithItsBody()
    {
        await using var h = EventsHarness.Create();
        var body = Fixture.Bytes("github/workflow_run.completed.json");

        var response = await h.PostAsync(EventSources.GitHub, body, Sign.GitHub(body, "workflow_run", "11111111-0000-0000-0000-000000000001"));

        Assert.Equal(202, response.Status);
        Assert.Equal("accepted", response.Str("status"));
        Assert.Equal("github:11111111-0000-0000-0000-000000000001", response.Str("eventId"));
        Assert.Equal("2025.07", response.Str("releaseId"));
        Assert.Equal(1, await h.QueuedAsync());
        // A small delivery travels inside its message (the acknowledgement's one storage call); the processor keeps it raw
        // on the event row (ProcessorTests.Processor_InlineDelivery_KeepsItRawOnTheEventRow_NotOnTheIndexRow).
        var message = PipelineEventMessage.Parse(Assert.Single((await h.Storage.Queue.PeekMessagesAsync(32, TestContext.Current.CancellationToken)).Value).MessageText);
        var stored = message.ToDelivery();
        Assert.Equal(body, stored.Body.ToArray());
        Assert.Equal("workflow_run", stored.EventType);
        Assert.Equal("11111111-0000-0000-0000-000000000001", stored.DeliveryId);
    }

    [Fact]
    public async Task AzureDevOps_ValidCredentials_Is202()
    {
        await using var h = EventsHarness.Create();
        var body = Fixture.Bytes("azure-devops/build.complete.json");

        var response = await h.PostAsync(EventSources.AzureDevOps, body, Sign.AzureDevOps(Secrets.AdoPasswordRotated));

        Assert.Equal(202, response.Status);
        Assert.Equal("azure-devops:4a5d99d6-1c75-4e53-91b9-ee80057d4ce3", response.Str("eventId"));
        Assert.Equal(1, await h.QueuedAsync());
    }

    [Fact]
    public async Task CDEvents_SignedNow_Is202()
    {
        await using var h = EventsHarness.Create();
        var body = Fixture.Bytes("cdevents/service-deployed.json");

        var response = await h.PostAsync(EventSources.CDEvents, body, Sign.CDEvents(body, EventsHarness.Now.AddSeconds(-10)));

        Assert.Equal(202, response.Status);
        Assert.Equal("ServiceDeployed", response.Str("type"));
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { EventSources.GitHub, "wrong-secret" },
        { EventSources.GitHub, "missing" },
        { EventSources.AzureDevOps, "wrong-secret" },
        { EventSources.AzureDevOps, "missing" },
        { EventSources.CDEvents, "wrong-secret" },
        { EventSources.CDEvents, "missing" },
        { EventSources.CDEvents, "stale" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Webhook_BadMissingOrStaleSignature_Is401AndWritesNothing(string source, string flaw)
    {
        await using var h = EventsHarness.Create();
        var (body, headers) = source switch
        {
            EventSources.GitHub => (Fixture.Bytes("github/workflow_run.completed.json"), (Func<byte[], Dictionary<string, string>>)(b =>
                Sign.GitHub(b, "workflow_run", "22222222-0000-0000-0000-000000000001", flaw == "wrong-secret" ? "another-secret-0123456789" : Secrets.GitHub))),
            EventSources.AzureDevOps => (Fixture.Bytes("azure-devops/build.complete.json"), b => Sign.AzureDevOps(flaw == "wrong-secret" ? "another-password-0123456" : Secrets.AdoPassword)),
            _ => (Fixture.Bytes("cdevents/pipelinerun-finished.json"), b =>
                Sign.CDEvents(b, flaw == "stale" ? EventsHarness.Now.AddMinutes(-6) : EventsHarness.Now, flaw == "wrong-secret" ? "another-secret-0123456789" : Secrets.CDEvents)),
        };
        var sent = headers(body);
        if (flaw == "missing")
        {
            sent.Remove(GitHubSignature.Header);
            sent.Remove("Authorization");
            sent.Remove(CDEventsSignature.Header);
        }

        var response = await h.PostAsync(source, body, sent);

        Assert.Equal(401, response.Status);
        Assert.Equal("The delivery is not authenticated.", response.Str("title"));
        Assert.Equal(0, await h.QueuedAsync());
        Assert.Equal(0, await h.StoredDeliveriesAsync());
    }

    [Fact]
    public async Task GitHub_Replay_OfSameLargeDelivery_Is2xxWithNothingNew()
    {
        // A large delivery is stored as a blob first, so its replay is known at once (a small one is enqueued again and
        // counted once by the processor: ProcessorTests.Webhook_SameSmallDeliveryTwice_IsEnqueuedTwice_AndCountedOnce).
        await using var h = EventsHarness.Create();
        var json = Fixture.Text("github/pull_request.merged.json");
        var body = Encoding.UTF8.GetBytes(json.TrimEnd().TrimEnd('}') + $", \"padding\": \"{new string('x', 40_000)}\" }}");
        var headers = Sign.GitHub(body, "pull_request", "33333333-0000-0000-0000-000000000001");

        var first = await h.PostAsync(EventSources.GitHub, body, headers);
        var second = await h.PostAsync(EventSources.GitHub, body, headers);

        Assert.Equal(202, first.Status);
        Assert.Equal(200, second.Status);
        Assert.Equal("duplicate", second.Str("status"));
        Assert.Equal(1, await h.QueuedAsync());
        Assert.Equal(1, await h.StoredDeliveriesAsync());
    }

    [Fact]
    public async Task Webhook_MalformedBody_Is400ProblemAndNothingEnqueued()
    {
        await using var h = EventsHarness.Create();
        var body = Encoding.UTF8.GetBytes("{\"action\": \"completed\", \"workflow_run\": ");

        var response = await h.PostAsync(EventSources.GitHub, body, Sign.GitHub(body, "workflow_run", "44444444-0000-0000-0000-000000000001"));

        Assert.Equal(400, response.Status);
        Assert.Equal("The delivery is malformed.", response.Str("title"));
        Assert.Equal(0, await h.QueuedAsync());
        Assert.Equal(0, await h.StoredDeliveriesAsync());
    }

    [Fact]
    public async Task Webhook_CDEventWithoutEnvelope_Is400()
    {
        await using var h = EventsHarness.Create();
        var body = Encoding.UTF8.GetBytes("""{"context":{"id":"1","type":"dev.cdevents.pipelinerun.finished.0.2.0"},"subject":{}}""");

        var response = await h.PostAsync(EventSources.CDEvents, body, Sign.CDEvents(body, EventsHarness.Now));

        Assert.Equal(400, response.Status);
        Assert.Equal(0, await h.QueuedAsync());
    }

    [Theory]
    [InlineData(EventSources.GitHub, "github/issues.opened.json", "issues")]
    [InlineData(EventSources.GitHub, "github/ping.json", "ping")]
    [InlineData(EventSources.AzureDevOps, "azure-devops/workitem.updated.json", null)]
    [InlineData(EventSources.CDEvents, "cdevents/taskrun-started.json", null)]
    public async Task Webhook_EventTypeWeDoNotUse_Is200IgnoredAndDropped(string source, string fixture, string? githubType)
    {
        await using var h = EventsHarness.Create();
        var body = Fixture.Bytes(fixture);
        var headers = source switch
        {
            EventSources.GitHub => Sign.GitHub(body, githubType!, "55555555-0000-0000-0000-000000000001"),
            EventSources.AzureDevOps => Sign.AzureDevOps(),
            _ => Sign.CDEvents(body, EventsHarness.Now),
        };

        var response = await h.PostAsync(source, body, headers);

        Assert.Equal(200, response.Status);
        Assert.Equal("ignored", response.Str("status"));
        Assert.Equal(0, await h.QueuedAsync());
        Assert.Equal(0, await h.StoredDeliveriesAsync());
    }

    [Fact]
    public async Task GitHub_OneMegabyteBody_IsAcceptedAndStoredWhole()
    {
        await using var h = EventsHarness.Create();
        var json = Fixture.Text("github/workflow_run.completed.json");
        var padding = new string('x', 1024 * 1024);
        var body = Encoding.UTF8.GetBytes(json.TrimEnd().TrimEnd('}') + $", \"padding\": \"{padding}\" }}");
        Assert.True(body.Length > 1024 * 1024);

        var response = await h.PostAsync(EventSources.GitHub, body, Sign.GitHub(body, "workflow_run", "66666666-0000-0000-0000-000000000001"));

        Assert.Equal(202, response.Status);
        var stored = await h.Services.GetRequiredService<IRawDeliveryStore>().GetAsync(EventSources.GitHub, "66666666-0000-0000-0000-000000000001", TestContext.Current.CancellationToken);
        Assert.Equal(body.Length, stored!.Body.Length);
    }

    [Fact]
    public async Task Webhook_BodyOverTheLimit_Is413AndWritesNothing()
    {
        await using var h = EventsHarness.Create(configure: s => s["Webhooks:MaxBodyBytes"] = "4096");
        var body = Encoding.UTF8.GetBytes("{\"padding\": \"" + new string('x', 8192) + "\"}");

        var response = await h.PostAsync(EventSources.GitHub, new MemoryStream(body), null, Sign.GitHub(body, "workflow_run", "77777777-0000-0000-0000-000000000001"));

        Assert.Equal(413, response.Status);
        Assert.Equal(0, await h.StoredDeliveriesAsync());
    }

    [Fact]
    public async Task Webhook_StorageUnavailable_Is503WithRetryAfter()
    {
        await using var h = EventsHarness.Create(Azurite.Unreachable());
        var body = Fixture.Bytes("github/workflow_run.completed.json");

        var response = await h.PostAsync(EventSources.GitHub, body, Sign.GitHub(body, "workflow_run", "88888888-0000-0000-0000-000000000001"));

        Assert.Equal(503, response.Status);
        Assert.Equal("30", response.Headers["Retry-After"].ToString());
        Assert.Contains("not accepted", response.Str("detail"));
    }

    [Fact]
    public async Task Webhook_StorageHangs_Is503AtTheStorageDeadline_SoTheSenderRetriesInsteadOfTimingOut()
    {
        using var storage = Azurite.Hanging();
        await using var h = EventsHarness.Create(storage.ConnectionString);
        var body = Fixture.Bytes("github/workflow_run.completed.json");

        var post = h.PostAsync(EventSources.GitHub, body, Sign.GitHub(body, "workflow_run", "88888888-0000-0000-0000-000000000002"));
        await storage.Connected.WaitAsync(TestContext.Current.CancellationToken);
        Assert.False(post.IsCompleted);
        h.Time.Advance(new WebhookOptions().StorageTimeout); // the deadline runs on the handler's clock
        var response = await post;
        var connections = storage.Connections;
        storage.Dispose(); // refuse from now on, so the harness's clean-up does not wait on the hung server

        // One attempt, cut at the deadline: without it the storage SDK would retry after its own 5 s network timeouts.
        Assert.Equal(1, connections);

        Assert.Equal(503, response.Status);
        Assert.Equal("30", response.Headers["Retry-After"].ToString());
        Assert.Equal("Storage did not answer within 7 s; send the delivery again later.", response.Str("detail"));
    }

    [Fact]
    public async Task Webhook_NoSecretConfigured_Is401()
    {
        await using var h = EventsHarness.Create(configure: s =>
        {
            s.Remove("Webhooks:CDEvents:Secrets:0");
            s.Remove("Webhooks:CDEvents:Secrets:1");
        });
        var body = Fixture.Bytes("cdevents/pipelinerun-finished.json");

        var response = await h.PostAsync(EventSources.CDEvents, body, Sign.CDEvents(body, EventsHarness.Now));

        Assert.Equal(401, response.Status);
        Assert.Contains("No secret", response.Str("detail"));
    }
}
