namespace ReleaseManagement.Orchestration;

/// <summary>How long the release waits for a pipeline to report a deployment's or a rollback's outcome.</summary>
public sealed record ReleaseTimings(TimeSpan DeploymentTimeout, TimeSpan RollbackTimeout)
{
    public static readonly ReleaseTimings Default = new(TimeSpan.FromHours(4), TimeSpan.FromHours(2));
}
