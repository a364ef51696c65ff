using Microsoft.DurableTask;
using Microsoft.DurableTask.Testing;
using Microsoft.DurableTask.Worker.Grpc;
using Microsoft.DurableTask.Worker.Grpc.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ReleaseFunctions.TestSupport;

/// <summary>
/// The options every test starts the in-process Durable engine (<see cref="DurableTaskTestHost"/>) with: a free port, quiet
/// logs unless a test asks for some, and the worker's silent-disconnect detection off. That detection waits for health pings
/// the in-process sidecar never sends: after two minutes without a work item the worker drops its stream and reconnects, and
/// a work item the sidecar writes in that moment is never answered (the sidecar waits for the answer without a timeout), so
/// its orchestration stops (the local host does the same: <c>LocalHostExtensions.SidecarSilentDisconnectTimeout</c>).
/// </summary>
public static class InProcessEngine
{
    public static DurableTaskTestHostOptions Options(ILoggerFactory? logs = null, Action<IServiceCollection>? configureServices = null)
    {
        QuietSidecar();
        return new()
        {
            LoggerFactory = logs ?? NullLoggerFactory.Instance,
            Port = LocalHostProcess.FreePort(),
            ConfigureServices = services =>
            {
                services.ConfigureAll<GrpcDurableTaskWorkerOptions>(o => o.SetSilentDisconnectTimeout(TimeSpan.Zero));
                configureServices?.Invoke(services);
            },
        };
    }

    /// <summary>Starts an engine with <see cref="Options"/> and no logs.</summary>
    public static Task<DurableTaskTestHost> StartAsync(Action<DurableTaskRegistry> registry, CancellationToken cancellationToken = default) =>
        StartAsync(registry, logs: null, configureServices: null, cancellationToken);

    /// <summary>
    /// Starts an engine with <see cref="Options"/>. Its sidecar listens on a port found free a moment before, which another
    /// process (a local host, an outgoing connection) can take first when many tests start engines at once; then it tries
    /// again on another port, up to three times.
    /// </summary>
    public static async Task<DurableTaskTestHost> StartAsync(
        Action<DurableTaskRegistry> registry, ILoggerFactory? logs, Action<IServiceCollection>? configureServices = null, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await DurableTaskTestHost.StartAsync(registry, Options(logs, configureServices), cancellationToken);
            }
            catch (IOException e) when (attempt < 3 && e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
            }
        }
    }

    /// <summary>
    /// The engine's gRPC sidecar is a web host of its own with the default console logging, which <see cref="DurableTaskTestHostOptions.LoggerFactory"/>
    /// does not reach: at Information it wrote eight lines per call (megabytes a run, and a wall around a failing test's message).
    /// Its configuration reads the process's environment, so warnings only, for every engine this test process starts.
    /// </summary>
    private static void QuietSidecar()
    {
        Environment.SetEnvironmentVariable("Logging__LogLevel__Microsoft.AspNetCore", "Warning");
        Environment.SetEnvironmentVariable("Logging__LogLevel__Microsoft.DurableTask", "Warning");
    }
}
