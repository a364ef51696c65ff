using System.ComponentModel.DataAnnotations;

namespace ReleaseManagement.Api;

/// <summary>Settings under <c>History</c> (app settings <c>History__*</c>): how long the engine keeps an ended release's orchestration history.</summary>
public sealed class HistoryOptions
{
    public const string Section = "History";

    /// <summary>
    /// How long after a release's orchestration ended its Durable Task history stays in the task hub (<see cref="HistoryPurge"/>);
    /// the release record, its timeline, audit trail and events are kept whatever this says. From 1 second (tests) to 10 years.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00", ErrorMessage = "History:Retention must be between 1 second and 3650 days.")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(90);
}
