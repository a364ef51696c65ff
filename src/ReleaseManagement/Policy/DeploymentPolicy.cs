namespace ReleaseManagement.Policy;

/// <summary>What the release does when a deployment fails (<c>deployment</c> in the policy; optional).</summary>
public sealed record DeploymentPolicy
{
    /// <summary>
    /// A failed production deployment (a failure reported, or no outcome within the deployment timeout) requests a
    /// rollback of production instead of only failing the release. Default true.
    /// </summary>
    public bool RollbackOnFailedProductionDeployment { get; init; } = true;

    /// <summary>How a canary's or idle slot's telemetry is judged against the baseline's at each checkpoint.</summary>
    public CanaryAnalysisPolicy Analysis { get; init; } = new();
}
