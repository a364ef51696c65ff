using System.ComponentModel.DataAnnotations;
using ReleaseManagement.Orchestration;

namespace ReleaseManagement.Api;

/// <summary>
/// Settings under <c>Releases</c> (app settings <c>Releases__*</c>): the waits the release policy does not define.
/// Everything about approvals, gates, windows and notices is in the policy (docs/policy.md).
/// </summary>
public sealed class ReleaseOptions
{
    public const string Section = "Releases";

    /// <summary>How long a release waits for the pipeline to report a deployment's outcome before it fails.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00", ErrorMessage = "Releases:DeploymentTimeout must be between 1 second and 7 days.")]
    public TimeSpan DeploymentTimeout { get; set; } = ReleaseTimings.Default.DeploymentTimeout;

    /// <summary>How long a release waits for the pipeline to report a rollback's outcome before it fails.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00", ErrorMessage = "Releases:RollbackTimeout must be between 1 second and 7 days.")]
    public TimeSpan RollbackTimeout { get; set; } = ReleaseTimings.Default.RollbackTimeout;

    public ReleaseTimings ToTimings() => new(DeploymentTimeout, RollbackTimeout);
}
