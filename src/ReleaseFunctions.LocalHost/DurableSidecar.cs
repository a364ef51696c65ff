using System.Net;
using System.Net.Sockets;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;

namespace ReleaseFunctions.LocalHost;

/// <summary>
/// The Durable Task gRPC sidecar: <see cref="TaskHubGrpcServer"/> over <see cref="AzureStorageOrchestrationService"/>,
/// on its own loopback HTTP/2 endpoint. The worker and client of the main app connect to it over gRPC, exactly as a
/// Functions worker connects to the Durable extension.
/// </summary>
public sealed class DurableSidecar : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DurableSidecar(WebApplication app, GrpcChannel channel, AzureStorageOrchestrationService service)
    {
        _app = app;
        Channel = channel;
        Service = service;
    }

    public GrpcChannel Channel { get; }

    public AzureStorageOrchestrationService Service { get; }

    public static async Task<DurableSidecar> StartAsync(
        string storageConnectionString,
        string taskHubName,
        LocalDurableOptions options,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken = default)
    {
        if (options.PartitionLeaseRenewInterval <= TimeSpan.Zero || options.PartitionLeaseRenewInterval >= options.PartitionLeaseInterval)
        {
            throw new InvalidOperationException(
                $"LocalHost__PartitionLeaseRenewInterval ({options.PartitionLeaseRenewInterval}) must be positive and shorter than LocalHost__PartitionLeaseInterval ({options.PartitionLeaseInterval}), or a held partition's lease runs out between renewals.");
        }

        var settings = new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = taskHubName,
            StorageAccountClientProvider = new StorageAccountClientProvider(storageConnectionString),
            MaxQueuePollingInterval = options.MaxQueuePollingInterval,
            PartitionCount = options.PartitionCount,
            MaxConcurrentTaskActivityWorkItems = options.MaxConcurrentActivities,
            MaxConcurrentTaskOrchestrationWorkItems = options.MaxConcurrentOrchestrations,
            ControlQueueVisibilityTimeout = options.MessageVisibilityTimeout,
            WorkItemQueueVisibilityTimeout = options.MessageVisibilityTimeout,
            LeaseInterval = options.PartitionLeaseInterval,
            LeaseRenewInterval = options.PartitionLeaseRenewInterval,
            // A fresh worker id per process: a restarted host must not mistake the partitions its predecessor held
            // for its own. A clean shutdown releases them (DisposeAsync); after a crash their leases expire.
            WorkerId = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}",
            LoggerFactory = loggerFactory,
        };
        var service = new AzureStorageOrchestrationService(settings);
        await service.CreateIfNotExistsAsync();

        var port = options.DurableGrpcPort == 0 ? FreeLoopbackPort() : options.DurableGrpcPort;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, o => o.Protocols = HttpProtocols.Http2));
        // The main app owns Ctrl-C/SIGTERM; the sidecar stops when the main app disposes it, after the worker has stopped.
        builder.Services.AddSingleton<IHostLifetime, ManualLifetime>();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(ProtobufTagsAndSubOrchestrationEventFix.Wrap(service));
        builder.Services.AddSingleton<IOrchestrationServiceClient>(service);
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        var app = builder.Build();
        app.MapGrpcService<TaskHubGrpcServer>();
        await app.StartAsync(cancellationToken);

        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        return new DurableSidecar(app, channel, service);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();

        // TaskHubGrpcServer stops the engine from a fire-and-forget callback; stop it here too and wait, so the partition
        // leases are released before the process exits and a restarted host takes over at once.
        try
        {
            await Service.StopAsync(isForced: false);
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException or NullReferenceException)
        {
            // Already stopped by the server's own callback, or never started (the host failed before a worker connected:
            // the engine's StopAsync then throws NullReferenceException, which would hide the host's own start-up error).
        }

        await _app.DisposeAsync();
        Channel.Dispose();
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A host lifetime that does not listen for console signals.</summary>
    private sealed class ManualLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
