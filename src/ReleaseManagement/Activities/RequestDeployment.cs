using ReleaseManagement.Ports;

namespace ReleaseManagement.Activities;

/// <summary>Asks the pipeline to deploy or roll back. Idempotent as far as the pipeline honours the request id.</summary>
public sealed class RequestDeployment(IDeploymentPipeline pipeline)
{
    public async Task<bool> RunAsync(DeploymentRequest request, CancellationToken cancellationToken = default)
    {
        await pipeline.RequestAsync(request, cancellationToken);
        return true;
    }
}
