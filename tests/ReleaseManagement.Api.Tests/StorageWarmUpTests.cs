using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ReleaseManagement.Azure.Tables;

namespace ReleaseManagement.Api.Tests;

/// <summary>
/// The first-use setup of the table stores at an instance's start (<see cref="StorageWarmUp"/>): every target's store at
/// once, in the background, each failure logged and none thrown, stores that are not table stores left alone. (That the
/// hosts warm every table store is checked by <c>CompositionRootTests</c>; what it saves a first view, on Azurite, by
/// <c>EndToEndTests.MetricsPage_NewInstanceWarmedUpAtStart_…</c>.)
/// </summary>
public sealed class StorageWarmUpTests
{
    public interface IFirstPort;

    public interface ISecondPort;

    public interface IThirdPort;

    private sealed class Store(Func<CancellationToken, Task> setUp) : IFirstPort, ISecondPort, IStorageWarmUp
    {
        public int Calls;

        public Task WarmUpAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            return setUp(cancellationToken);
        }
    }

    private sealed class NotATableStore : IThirdPort;

    private sealed class Messages : ILogger<StorageWarmUp>
    {
        public System.Collections.Concurrent.ConcurrentQueue<(LogLevel Level, string Text)> Logged { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Logged.Enqueue((logLevel, formatter(state, exception)));
    }

    private static (StorageWarmUp WarmUp, Messages Log) Compose(Action<IServiceCollection> register)
    {
        var log = new Messages();
        var services = new ServiceCollection().AddSingleton<ILogger<StorageWarmUp>>(log).AddStorageWarmUp();
        register(services);
        return (services.BuildServiceProvider().GetRequiredService<StorageWarmUp>(), log);
    }

    [Fact]
    public async Task StorageWarmUp_AtStart_SetsUpEveryTargetsStoreOnceInTheBackground()
    {
        var release = new TaskCompletionSource();
        var shared = new Store(_ => release.Task);
        var (warmUp, log) = Compose(s => s
            .AddSingleton<IFirstPort>(shared).AddSingleton<ISecondPort>(shared).AddSingleton<IThirdPort>(new NotATableStore())
            .WarmUpAtStart<IFirstPort>().WarmUpAtStart<ISecondPort>().WarmUpAtStart<IThirdPort>().WarmUpAtStart<IDisposable>());

        await ((IHostedService)warmUp).StartAsync(TestContext.Current.CancellationToken);

        // The start did not wait for the setup; one store behind two ports is set up once; the other targets are no table
        // store (a test's fake) or not registered.
        Assert.False(warmUp.Completion.IsCompleted);
        Assert.Single(warmUp.Stores());
        release.SetResult();
        await warmUp.Completion.WaitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1, shared.Calls);
        Assert.Contains(log.Logged, l => l is (LogLevel.Information, "Storage warm-up: 1 of 1 table stores set up"));
    }

    [Fact]
    public async Task StorageWarmUp_AStoresSetupFails_IsLoggedAndTheOthersAreSetUp()
    {
        var failing = new Store(_ => Task.FromException(new InvalidOperationException("storage refused the connection")));
        var working = new Store(_ => Task.CompletedTask);
        var (warmUp, log) = Compose(s => s
            .AddSingleton<IFirstPort>(failing).AddSingleton<ISecondPort>(working)
            .WarmUpAtStart<IFirstPort>().WarmUpAtStart<ISecondPort>());

        await ((IHostedService)warmUp).StartAsync(TestContext.Current.CancellationToken);
        await warmUp.Completion.WaitAsync(TestContext.Current.CancellationToken);

        Assert.Equal((1, 1), (failing.Calls, working.Calls));
        Assert.Contains(log.Logged, l => l is (LogLevel.Warning, "Storage warm-up: the first-use setup of Store failed (storage refused the connection); its next use runs it again"));
        Assert.Contains(log.Logged, l => l is (LogLevel.Information, "Storage warm-up: 1 of 2 table stores set up"));
    }

    [Fact]
    public async Task StorageWarmUp_HostStopsDuringASetupThatHangs_EndsWithoutFailing()
    {
        var hanging = new Store(ct => Task.Delay(Timeout.Infinite, ct));
        var (warmUp, log) = Compose(s => s.AddSingleton<IFirstPort>(hanging).WarmUpAtStart<IFirstPort>());

        await ((IHostedService)warmUp).StartAsync(TestContext.Current.CancellationToken);
        await ((IHostedService)warmUp).StopAsync(TestContext.Current.CancellationToken);

        await warmUp.Completion.WaitAsync(TestContext.Current.CancellationToken);
        Assert.DoesNotContain(log.Logged, l => l.Level == LogLevel.Warning);
    }
}
