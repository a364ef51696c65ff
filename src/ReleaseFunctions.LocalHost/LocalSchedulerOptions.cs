using ReleaseManagement.Configuration;

namespace ReleaseFunctions.LocalHost;

/// <summary>Settings under <c>LocalScheduler</c>.</summary>
[LocalOnlySetting("The Functions app schedules its timer triggers itself; only the local host runs this scheduler.")]
public sealed class LocalSchedulerOptions
{
    public const string Section = "LocalScheduler";

    /// <summary>Run the timer jobs on their schedules (off for hosts started only to serve HTTP).</summary>
    public bool Enabled { get; set; } = true;
}
