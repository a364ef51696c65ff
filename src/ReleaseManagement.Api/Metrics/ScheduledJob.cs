using ReleaseManagement.Metrics;

namespace ReleaseManagement.Api.Metrics;

/// <summary>
/// One timer job: its function name, the app setting holding its NCRONTAB schedule (six fields, UTC) and what it runs.
/// </summary>
public sealed record ScheduledJob(string Name, string ScheduleSetting, Func<IServiceProvider, CancellationToken, Task> RunAsync)
{
    /// <summary>The schedule when the setting is empty.</summary>
    public string DefaultSchedule => MetricsSchedules.Defaults[ScheduleSetting];

    /// <summary>The binding expression a Functions timer trigger uses for this schedule: <c>%Setting%</c>.</summary>
    public string TimerTriggerSchedule => "%" + ScheduleSetting + "%";
}
