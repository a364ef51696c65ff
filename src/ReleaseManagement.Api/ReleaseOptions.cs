using System.ComponentModel.DataAnnotations;

namespace ReleaseManagement.Api;

/// <summary>Settings under <c>Releases</c> (app settings <c>Releases__*</c>).</summary>
public sealed class ReleaseOptions
{
    public const string Section = "Releases";

    /// <summary>How long the plan approval waits before the release is rejected for lack of a decision.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "90.00:00:00", ErrorMessage = "Releases:PlanApprovalTimeout must be between 1 second and 90 days.")]
    public TimeSpan PlanApprovalTimeout { get; set; } = TimeSpan.FromDays(3);
}
