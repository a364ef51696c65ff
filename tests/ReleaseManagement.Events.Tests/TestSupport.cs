using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using ReleaseManagement.Api.Webhooks;
using ReleaseManagement.Azure.Events;
using ReleaseManagement.Azure.Metrics;
using ReleaseManagement.Events;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Events.Tests;

internal static class Secrets
{
    public const string GitHub = "gh-webhook-secret-0123456789";
    public const string GitHubRotated = "gh-webhook-secret-next-abcdef";
    public const string CDEvents = "cdevents-secret-0123456789ab";
    public const string CDEventsRotated = "cdevents-secret-next-zyxwvu";
    public const string AdoUser = "ado-hooks";
    public const string AdoPassword = "ado-password-0123456789";
    public const string AdoPasswordRotated = "ado-password-next-abcdef";
    public const string AdoHeader = "ado-shared-header-value-0123";

    public static Dictionary<string, string?> Configuration() => new()
    {
        ["Webhooks:GitHub:Secrets:0"] = GitHub,
        ["Webhooks:GitHub:Secrets:1"] = GitHubRotated,
        ["Webhooks:CDEvents:Secrets:0"] = CDEvents,
        ["Webhooks:CDEvents:Secrets:1"] = CDEventsRotated,
        ["Webhooks:AzureDevOps:Username"] = AdoUser,
        ["Webhooks:AzureDevOps:Secrets:0"] = AdoPassword,
        ["Webhooks:AzureDevOps:Secrets:1"] = AdoPasswordRotated,
        ["Webhooks:AzureDevOps:HeaderValues:0"] = AdoHeader,
    };
}

internal static class Fixture
{
    public static byte[] Bytes(string path) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", path));

    public static string Text(string path) => Encoding.UTF8.GetString(Bytes(path));
}

/// <summary>Signs deliveries the way each provider does.</summary>
internal static class Sign
{
    public static Dictionary<string, string> GitHub(byte[] body, string eventType, string deliveryId, string secret = Secrets.GitHub) => new()
    {
        [GitHubSignature.Header] = GitHubSignature.Sign(body, secret),
        [GitHubSignature.EventHeader] = eventType,
        [GitHubSignature.DeliveryHeader] = deliveryId,
    };

    public static Dictionary<string, string> CDEvents(byte[] body, DateTimeOffset at, string secret = Secrets.CDEvents) => new()
    {
        [CDEventsSignature.Header] = CDEventsSignature.Sign(body, at.ToUnixTimeSeconds(), secret),
        [CDEventsSignature.TimestampHeader] = at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public static Dictionary<string, string> AzureDevOps(string password = Secrets.AdoPassword, string header = Secrets.AdoHeader) => new()
    {
        ["Authorization"] = AzureDevOpsCredentials.BasicHeader(Secrets.AdoUser, password),
        [AzureDevOpsWebhookOptions.DefaultHeaderName] = header,
    };
}

internal static class Azurite
{
    public static string ConnectionString
    {
        get
        {
            var value = Environment.GetEnvironmentVariable("AZURITE_CONNECTION_STRING");
            Assert.SkipWhen(string.IsNullOrEmpty(value), "AZURITE_CONNECTION_STRING is not set: run through scripts/test.sh.");
            return value!;
        }
    }

    /// <summary>A storage account that refuses connections: nothing listens on the port.</summary>
    public static string Unreachable()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return AccountAt(port);
    }

    /// <summary>The development storage account with every service at one loopback port.</summary>
    public static string AccountAt(int port) =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        $"BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{port}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";

    /// <summary>A storage account that accepts connections and never answers (a hung front end).</summary>
    public static HangingStorage Hanging() => new();

}

/// <summary>The real composition (AddPipelineEvents) against Azurite with unique storage names and a fake clock.</summary>
internal sealed class EventsHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset Now = new(2025, 7, 10, 12, 0, 0, TimeSpan.Zero);

    private EventsHarness(ServiceProvider services, FakeTimeProvider time)
    {
        Services = services;
        Time = time;
    }

    public ServiceProvider Services { get; }

    public FakeTimeProvider Time { get; }

    public EventStorageClients Storage => Services.GetRequiredService<EventStorageClients>();

    public WebhookHandlers Handlers => Services.GetRequiredService<WebhookHandlers>();

    public PipelineEventProcessor Processor => Services.GetRequiredService<PipelineEventProcessor>();

    public IPipelineEventStore Store => Services.GetRequiredService<IPipelineEventStore>();

    /// <param name="connectionString">The storage account (default Azurite).</param>
    /// <param name="configure">Changes the settings (e.g. adds named webhook secrets).</param>
    /// <param name="policy">Changes the current policy the webhooks judge pipelines by (default: the built-in one).</param>
    public static EventsHarness Create(
        string? connectionString = null,
        Action<Dictionary<string, string?>>? configure = null,
        Func<ReleaseManagement.Policy.ReleasePolicy, ReleaseManagement.Policy.ReleasePolicy>? policy = null)
    {
        var names = EventStorageNames.Unique();
        var settings = Secrets.Configuration();
        settings["AzureWebJobsStorage"] = connectionString ?? Azurite.ConnectionString;
        settings["PipelineEvents:Table"] = names.Table;
        settings["PipelineEvents:Queue"] = names.Queue;
        settings["PipelineEvents:Container"] = names.Container;
        configure?.Invoke(settings);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var time = new FakeTimeProvider(Now);
        var services = new ServiceCollection()
            .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<TimeProvider>(time)
            .AddPipelineEvents(configuration)
            .AddSingleton((policy ?? (p => p))(ReleaseManagement.Policy.ReleasePolicyDefaults.Create() with { TimeZone = "UTC" }))
            .AddSingleton<IMetricsDailyStore>(sp => new TableMetricsDailyStore(sp.GetRequiredService<EventStorageClients>().Tables.GetTableClient(names.Table + "Daily")))
            .AddSingleton<ReleaseManagement.Metrics.LateEventMarker>()
            .AddSingleton<ReleaseManagement.Ports.IAuditTrail>(new ReleaseFunctions.TestSupport.InMemoryAuditTrail())
            .BuildServiceProvider(validateScopes: true);
        return new EventsHarness(services, time);
    }

    public Task<Response> PostAsync(string source, byte[] body, IReadOnlyDictionary<string, string> headers) =>
        PostAsync(source, new MemoryStream(body), body.Length, headers);

    public async Task<Response> PostAsync(string source, Stream body, long? length, IReadOnlyDictionary<string, string> headers)
    {
        var context = new DefaultHttpContext { RequestServices = Services };
        context.Request.Method = "POST";
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = length;
        context.Request.Body = body;
        foreach (var (name, value) in headers)
        {
            context.Request.Headers[name] = value;
        }

        var responseBody = new MemoryStream();
        context.Response.Body = responseBody;
        var result = source switch
        {
            EventSources.GitHub => await Handlers.GitHubAsync(context.Request, CancellationToken.None),
            EventSources.AzureDevOps => await Handlers.AzureDevOpsAsync(context.Request, CancellationToken.None),
            _ => await Handlers.CDEventsAsync(context.Request, CancellationToken.None),
        };
        await result.ExecuteAsync(context);
        var text = Encoding.UTF8.GetString(responseBody.ToArray());
        return new Response(context.Response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone(), context.Response.Headers);
    }

    /// <summary>Processes every queued message, as the queue trigger would; returns how many were handled.</summary>
    public async Task<int> DrainAsync(Microsoft.DurableTask.Client.DurableTaskClient durable)
    {
        var queue = Storage.Queue;
        var handled = 0;
        while (true)
        {
            var messages = (await queue.ReceiveMessagesAsync(32)).Value;
            if (messages.Length == 0)
            {
                return handled;
            }

            foreach (var message in messages)
            {
                await Processor.ProcessAsync(message.MessageText, durable, CancellationToken.None);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                handled++;
            }
        }
    }

    public async Task<int> QueuedAsync()
    {
        if (!(await Storage.Queue.ExistsAsync()).Value)
        {
            return 0;
        }

        return (await Storage.Queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;
    }

    public async Task<int> StoredDeliveriesAsync()
    {
        var container = Storage.Blobs.GetBlobContainerClient(Storage.Names.Container);
        if (!(await container.ExistsAsync()).Value)
        {
            return 0;
        }

        var count = 0;
        await foreach (var _ in container.GetBlobsAsync())
        {
            count++;
        }

        return count;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Storage.Queue.DeleteIfExistsAsync();
            await Storage.PoisonQueue.DeleteIfExistsAsync();
            await Storage.Blobs.GetBlobContainerClient(Storage.Names.Container).DeleteIfExistsAsync();
            await Storage.Tables.DeleteTableAsync(Storage.Names.Table);
            await Storage.Tables.DeleteTableAsync(Storage.Names.Table + "Daily");
        }
        catch (Exception)
        {
            // Best effort: Azurite runs in memory for the test run.
        }

        await Services.DisposeAsync();
    }
}

internal sealed record Response(int Status, JsonElement Body, IHeaderDictionary Headers)
{
    public string? Str(string name) => Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty(name, out var v) ? v.ToString() : null;
}

/// <summary>Accepts every connection and reads whatever comes, but never answers; tells when the first connection came.</summary>
internal sealed class HangingStorage : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<Socket> _sockets = [];
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HangingStorage()
    {
        _listener.Start();
        _ = AcceptAsync();
    }

    public string ConnectionString => Azurite.AccountAt(((IPEndPoint)_listener.LocalEndpoint).Port);

    /// <summary>Completes once a client has connected.</summary>
    public Task Connected => _connected.Task;

    /// <summary>How many connections were accepted.</summary>
    public int Connections
    {
        get
        {
            lock (_sockets)
            {
                return _sockets.Count;
            }
        }
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync();
                lock (_sockets)
                {
                    _sockets.Add(socket);
                }

                _connected.TrySetResult();
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        lock (_sockets)
        {
            foreach (var socket in _sockets)
            {
                socket.Dispose();
            }
        }
    }
}
