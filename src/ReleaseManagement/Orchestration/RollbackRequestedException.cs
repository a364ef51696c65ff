using ReleaseManagement.Policy;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// Thrown inside the lifecycle's waits when a rollback request for a deployed environment arrives; the lifecycle rolls
/// <see cref="Environment"/> back (<see cref="RollbackStep"/>) and goes on from there.
/// </summary>
public sealed class RollbackRequestedException(RollbackRequest request, DeploymentEnvironment environment)
    : Exception($"Rollback of {environment} requested by {request.By}: {request.Reason}")
{
    public RollbackRequest Request { get; } = request;

    public DeploymentEnvironment Environment { get; } = environment;
}
