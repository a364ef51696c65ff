namespace ReleaseManagement.Ports;

/// <summary>A request to deploy a release to an environment (or to roll it back), as the pipeline that deploys receives it.</summary>
/// <param name="RequestId">Stable across retries (from the orchestration): the pipeline can drop a repeat.</param>
/// <param name="Strategy">The strategy's name in the policy (<c>deployment.strategies</c>), e.g. <c>blue-green</c>.</param>
/// <param name="Step">
/// Production's step of the strategy the pipeline is asked for (null: the whole deployment in one request, as lower
/// environments and releases started before lifecycle version 2 ask). On a rollback: the last step the release asked for,
/// so the pipeline knows what to undo (a blue-green rollback before the swap abandons the idle slot; after it, swaps back).
/// </param>
public sealed record DeploymentRequest(
    string RequestId,
    string ReleaseId,
    string Environment,
    string Strategy,
    IReadOnlyList<string> Systems,
    bool Rollback,
    string? Reason,
    DeploymentStepRequest? Step = null);

/// <summary>One step of a production deployment, as the pipeline receives it (docs/deployment-strategies.md).</summary>
/// <param name="Name">The step's name in the policy: the pipeline's report names it (CDEvents <c>customData.step</c>...).</param>
/// <param name="Number">Its number, from 1.</param>
/// <param name="Of">How many steps the strategy has.</param>
/// <param name="Kind">BlueGreen, Canary or Rolling.</param>
/// <param name="Weight">Canary: the share of traffic in percent.</param>
/// <param name="Batch">Rolling: the share of instances in percent.</param>
/// <param name="Swap">Blue-green: this step swaps the idle slot live.</param>
public sealed record DeploymentStepRequest(string Name, int Number, int Of, string Kind, int? Weight, int? Batch, bool Swap);

/// <summary>Tells the pipeline that deploys to go (a webhook call in Azure). The outcome comes back as a pipeline event.</summary>
public interface IDeploymentPipeline
{
    Task RequestAsync(DeploymentRequest request, CancellationToken cancellationToken = default);
}
