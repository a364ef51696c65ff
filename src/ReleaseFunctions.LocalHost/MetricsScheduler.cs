using Cronos;
using ReleaseManagement.Api.Metrics;
using ReleaseManagement.Metrics;

namespace ReleaseFunctions.LocalHost;

/// <summary>
/// The Functions app's timer triggers for the local host: the jobs of <see cref="ScheduledJobs"/> on the same NCRONTAB schedules
/// (the same app settings, <see cref="MetricsSchedules"/>), evaluated with Cronos in UTC. A failed run is logged and the next one still comes.
/// </summary>
public sealed partial class MetricsScheduler(
    IServiceProvider services, IConfiguration configuration, TimeProvider time, ILogger<MetricsScheduler> logger) : BackgroundService
{
    /// <summary>The jobs this scheduler runs: <see cref="ScheduledJobs.All"/>, the list the Functions timer triggers follow.</summary>
    public IReadOnlyList<ScheduledJob> Jobs { get; } = ScheduledJobs.All;

    /// <summary>The schedule a setting names: the configured expression, else the default; six fields (seconds first).</summary>
    public static CronExpression Schedule(IConfiguration configuration, string setting) =>
        CronExpression.Parse(configuration[setting] is { Length: > 0 } s ? s : MetricsSchedules.Defaults[setting], CronFormat.IncludeSeconds);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!configuration.GetValue(LocalSchedulerOptions.Section + ":" + nameof(LocalSchedulerOptions.Enabled), true))
        {
            return Task.CompletedTask;
        }

        return Task.WhenAll(Jobs.Select(j => LoopAsync(j.Name, Schedule(configuration, j.ScheduleSetting), j.RunAsync, stoppingToken)));
    }

    private async Task LoopAsync(string name, CronExpression schedule, Func<IServiceProvider, CancellationToken, Task> run, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            if (schedule.GetNextOccurrence(now.UtcDateTime, TimeZoneInfo.Utc) is not { } next)
            {
                return;
            }

            try
            {
                await Task.Delay(next - now.UtcDateTime, time, stoppingToken);
                LogRunning(logger, name);
                await run(services, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogFailed(logger, name, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Running the {Schedule} job")]
    private static partial void LogRunning(ILogger logger, string schedule);

    [LoggerMessage(Level = LogLevel.Error, Message = "The {Schedule} job failed")]
    private static partial void LogFailed(ILogger logger, string schedule, Exception exception);
}
