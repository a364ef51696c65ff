using Grpc.Net.Client;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Grpc.Internal;
using ReleaseManagement.Api;
using ReleaseManagement.Api.Dashboard;
using ReleaseManagement.Azure.Events;
using ReleaseManagement.Events;
using ReleaseManagement.Orchestration;

namespace ReleaseFunctions.LocalHost;

/// <summary>
/// The local host's composition: the shared one (<see cref="Extensions.AddReleaseManagement"/>) plus what the Functions
/// host would otherwise provide: a Durable worker and client on the sidecar's channel, the queue listener and the scheduler.
/// </summary>
public static class LocalHostExtensions
{
    public static IServiceCollection AddLocalHost(this IServiceCollection services, IConfiguration configuration, GrpcChannel durableChannel)
    {
        services.AddReleaseManagement(configuration);
        services.AddDurableTaskWorker(b =>
        {
            b.UseGrpc(o =>
            {
                o.Channel = durableChannel;
                o.SetSilentDisconnectTimeout(SidecarSilentDisconnectTimeout);
            });
            b.AddTasks(r => r.AddLocalHostTasks());
        });
        services.AddDurableTaskClient(b =>
        {
            b.UseGrpc(durableChannel);
            b.RegisterDirectly();
        });
        services.AddOptions<QueuePumpOptions>().Bind(configuration.GetSection(QueuePumpOptions.Section));
        services.AddHostedService<PipelineEventQueueListener>();
        services.AddHostedService<MetricsScheduler>();
        services.AddPipelineSimulator(); // the release page's pipeline simulator: local host only, Development mode only
        services.AddLocalTelemetry(configuration); // traces and metrics: the console or OTLP when set, nothing otherwise
        return services;
    }

    /// <summary>
    /// None: the worker's silent-disconnect detection waits for health pings the in-process sidecar (<see cref="DurableSidecar"/>)
    /// never sends, so after two idle minutes (a release waiting for an approver) the worker dropped its work-item stream and
    /// reconnected (seen on an idle local host); a work item the sidecar writes in that moment is never answered (the sidecar
    /// waits for the answer without a timeout), and its orchestration would not run again.
    /// The stream shares the process with the sidecar: it cannot go silently half-open.
    /// </summary>
    public static readonly TimeSpan SidecarSilentDisconnectTimeout = TimeSpan.Zero;

    /// <summary>Every orchestrator and activity the Functions app has a trigger for.</summary>
    public static DurableTaskRegistry AddLocalHostTasks(this DurableTaskRegistry registry) =>
        registry.AddReleaseTasks();
}
