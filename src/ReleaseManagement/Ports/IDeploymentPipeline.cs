namespace ReleaseManagement.Ports;

/// <summary>A request to deploy a release to an environment (or to roll it back), as the pipeline that deploys receives it.</summary>
/// <param name="RequestId">Stable across retries (from the orchestration): the pipeline can drop a repeat.</param>
public sealed record DeploymentRequest(
    string RequestId,
    string ReleaseId,
    string Environment,
    string Strategy,
    IReadOnlyList<string> Systems,
    bool Rollback,
    string? Reason);

/// <summary>Tells the pipeline that deploys to go (a webhook call in Azure). The outcome comes back as a pipeline event.</summary>
public interface IDeploymentPipeline
{
    Task RequestAsync(DeploymentRequest request, CancellationToken cancellationToken = default);
}
