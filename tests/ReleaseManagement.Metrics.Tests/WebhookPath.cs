using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ReleaseManagement.Api.Webhooks;
using ReleaseManagement.Azure.Events;
using ReleaseManagement.Events;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Metrics.Tests;

/// <summary>
/// The real webhook path into a <see cref="MetricsHarness"/>'s tables: signed CDEvents posted to the webhook handler
/// (AddPipelineEvents, the harness's clock), then the queue drained through the processor with an in-process durable
/// engine, as the queue trigger does.
/// </summary>
internal sealed class WebhookPath : IAsyncDisposable
{
    private const string Secret = "cdevents-secret-metrics-0123456789";

    private readonly ServiceProvider _services;
    private readonly DurableTaskTestHost _durable;

    private WebhookPath(ServiceProvider services, DurableTaskTestHost durable)
    {
        _services = services;
        _durable = durable;
    }

    private EventStorageClients Storage => _services.GetRequiredService<EventStorageClients>();

    public static async Task<WebhookPath> StartAsync(MetricsHarness h)
    {
        var names = EventStorageNames.Unique("m") with { Table = h.EventsTable };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["PipelineEvents:Table"] = names.Table,
            ["PipelineEvents:Queue"] = names.Queue,
            ["PipelineEvents:Container"] = names.Container,
            ["Webhooks:CDEvents:Secrets:0"] = Secret,
        }).Build();
        var services = new ServiceCollection()
            .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<TimeProvider>(h.Clock)
            .AddPipelineEvents(configuration)
            .AddSingleton(h.Policy)
            .AddSingleton<IMetricsDailyStore>(h.Daily)
            .AddSingleton<LateEventMarker>()
            .AddSingleton<ReleaseManagement.Ports.IAuditTrail>(new ReleaseFunctions.TestSupport.InMemoryAuditTrail())
            .BuildServiceProvider(validateScopes: true);
        var durable = await ReleaseFunctions.TestSupport.InProcessEngine.StartAsync(
            _ => { },
            TestContext.Current.CancellationToken);
        return new WebhookPath(services, durable);
    }

    /// <summary>Posts one signed CDEvent (answered 202) and processes the queue; returns the canonical event id.</summary>
    public async Task<string> DeliverAsync(CanonicalEventType type, DateTimeOffset at, string? releaseId, string? system,
        string? environment = "production", string? outcome = null, string? incident = null)
    {
        var id = Guid.NewGuid().ToString();
        var cdType = type switch
        {
            CanonicalEventType.ServiceDeployed => "dev.cdevents.service.deployed.0.2.0",
            CanonicalEventType.ServiceRolledBack => "dev.cdevents.service.rolledback.0.2.0",
            CanonicalEventType.ChangeMerged => "dev.cdevents.change.merged.0.2.0",
            CanonicalEventType.IncidentDetected => "dev.cdevents.incident.detected.0.1.0",
            CanonicalEventType.IncidentResolved => "dev.cdevents.incident.resolved.0.1.0",
            _ => throw new ArgumentOutOfRangeException(nameof(type)),
        };
        var timestamp = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var content = new JsonObject();
        if (environment is not null)
        {
            content["environment"] = new JsonObject { ["id"] = environment };
        }

        if (outcome is not null)
        {
            content["outcome"] = outcome;
        }

        var custom = new JsonObject();
        if (releaseId is not null)
        {
            custom["releaseId"] = releaseId;
        }

        if (system is not null)
        {
            custom["system"] = system;
        }

        var body = new JsonObject
        {
            ["specversion"] = "1.0",
            ["id"] = id,
            ["source"] = "/ci",
            ["type"] = cdType,
            ["datacontenttype"] = "application/json",
            ["data"] = new JsonObject
            {
                ["context"] = new JsonObject { ["specversion"] = "0.4.1", ["id"] = id, ["source"] = "/ci", ["type"] = cdType, ["timestamp"] = timestamp },
                ["subject"] = new JsonObject { ["id"] = incident ?? "svc", ["source"] = "/ci", ["content"] = content },
                ["customData"] = custom,
            },
        };
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        var now = _services.GetRequiredService<TimeProvider>().GetUtcNow();

        var context = new DefaultHttpContext { RequestServices = _services };
        context.Request.Method = "POST";
        context.Request.ContentType = "application/cloudevents+json";
        context.Request.ContentLength = bytes.Length;
        context.Request.Body = new MemoryStream(bytes);
        context.Request.Headers[CDEventsSignature.Header] = CDEventsSignature.Sign(bytes, now.ToUnixTimeSeconds(), Secret);
        context.Request.Headers[CDEventsSignature.TimestampHeader] = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        context.Response.Body = new MemoryStream();
        var result = await _services.GetRequiredService<WebhookHandlers>().CDEventsAsync(context.Request, TestContext.Current.CancellationToken);
        await result.ExecuteAsync(context);
        Assert.Equal(StatusCodes.Status202Accepted, context.Response.StatusCode);

        var processor = _services.GetRequiredService<PipelineEventProcessor>();
        var queue = Storage.Queue;
        while ((await queue.ReceiveMessagesAsync(32, cancellationToken: TestContext.Current.CancellationToken)).Value is { Length: > 0 } messages)
        {
            foreach (var message in messages)
            {
                Assert.Equal(ProcessOutcome.Processed, await processor.ProcessAsync(message.MessageText, _durable.Client, TestContext.Current.CancellationToken));
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, TestContext.Current.CancellationToken);
            }
        }

        return EventSources.EventId(EventSources.CDEvents, id);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Storage.Queue.DeleteIfExistsAsync();
            await Storage.Blobs.GetBlobContainerClient(Storage.Names.Container).DeleteIfExistsAsync();
        }
        catch (global::Azure.RequestFailedException)
        {
            // Best effort: Azurite runs in memory for the test run.
        }

        await _durable.DisposeAsync();
        await _services.DisposeAsync();
    }
}
