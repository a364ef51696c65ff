using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ReleaseManagement.Azure.Tables;

namespace ReleaseManagement.Api;

/// <summary>A port whose store, when it is a table store, runs its first-use setup when the instance starts (<see cref="StorageWarmUp"/>).</summary>
public sealed record StorageWarmUpTarget(Type Port);

/// <summary>
/// When an instance starts, the first-use setup of the table stores a request reads first (<see cref="IStorageWarmUp"/>: their
/// tables created, the indexes' backfill marks read), all at once and in the background: the first request on a new
/// instance (the metrics page's cold view, a webhook) does not wait on a chain of table checks, and a one-time backfill
/// after an upgrade runs at start, not on a reader's request. The start does not wait for it: a request that comes
/// meanwhile joins the setup under way (<see cref="FirstUse"/>), and a setup that failed (storage down at start) is
/// logged and run again by the store's next use. Stores registered by a test that are not table stores are left alone.
/// </summary>
public sealed partial class StorageWarmUp(IServiceProvider services, IEnumerable<StorageWarmUpTarget> targets, ILogger<StorageWarmUp> log) : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>The warm-up started by <see cref="StartAsync"/>; done at once before it (it never faults: failures are logged).</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>The stores warmed: each target port's registered store that is a table store, once each.</summary>
    public IReadOnlyList<IStorageWarmUp> Stores() =>
        [.. targets.Select(t => services.GetService(t.Port)).OfType<IStorageWarmUp>().Distinct(ReferenceEqualityComparer.Instance).Cast<IStorageWarmUp>()];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Completion = Task.Run(() => WarmUpAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _stopping.CancelAsync();

    /// <summary>Every store's setup at once; each failure logged (the store's next use runs it again), none thrown.</summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        var stores = Stores();
        var failed = 0;
        await Task.WhenAll(stores.Select(async store =>
        {
            try
            {
                await store.WarmUpAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The host stops: the setup, if it still runs, finishes or fails on its own.
            }
            catch (Exception e) // a setup fails in every way storage fails; the store's next use runs it again
            {
                Interlocked.Increment(ref failed);
                LogFailed(log, store.GetType().Name, e.Message);
            }
        }));
        LogWarmed(log, stores.Count - failed, stores.Count);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage warm-up: the first-use setup of {Store} failed ({Reason}); its next use runs it again")]
    private static partial void LogFailed(ILogger logger, string store, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Storage warm-up: {Ready} of {Stores} table stores set up")]
    private static partial void LogWarmed(ILogger logger, int ready, int stores);
}

/// <summary>Registration of <see cref="StorageWarmUp"/> and its targets.</summary>
public static class StorageWarmUpExtensions
{
    /// <summary>The store registered for <typeparamref name="TPort"/> runs its first-use setup when the instance starts.</summary>
    public static IServiceCollection WarmUpAtStart<TPort>(this IServiceCollection services)
        where TPort : class
    {
        services.AddSingleton(new StorageWarmUpTarget(typeof(TPort)));
        return services;
    }

    /// <summary>The hosted service (once, however many areas call it); the instance is resolvable to await its <see cref="StorageWarmUp.Completion"/>.</summary>
    public static IServiceCollection AddStorageWarmUp(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(StorageWarmUp)))
        {
            return services;
        }

        services.AddSingleton<StorageWarmUp>();
        services.AddHostedService(sp => sp.GetRequiredService<StorageWarmUp>());
        return services;
    }
}
