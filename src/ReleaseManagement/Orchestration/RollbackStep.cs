using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// A rollback on demand (<see cref="RollbackRequestedException"/>, raised by a release manager through
/// <c>POST /api/releases/{id}/rollback</c>): production is rolled back like an automatic rollback (the release ends
/// RolledBack, or Failed when the rollback fails); a lower environment is rolled back and the release goes back to the
/// promotion into it.
/// </summary>
internal sealed class RollbackStep(LifecycleState state, StatusRecorder status, DeploymentStep deployment)
{
    /// <summary>Null when a lower environment was rolled back (the lifecycle re-runs its promotion); else the outcome that ends the release.</summary>
    public async Task<ReleaseOutcome?> RunAsync(RollbackRequestedException requested)
    {
        var (request, environment) = (requested.Request, requested.Environment);
        var reason = $"requested by {request.By}: {request.Reason}";
        await status.TimelineAsync(TimelineKinds.Rollback, $"Rollback of {ReleaseStages.Lower(environment)} {reason}");
        if (environment == DeploymentEnvironment.Production)
        {
            return await deployment.RollBackAsync(reason);
        }

        if (await deployment.RollBackAsync(environment, reason) is { } failed)
        {
            return failed;
        }

        state.Phase = ReleasePhase.Promotion;
        await status.RecordAsync(new StatusRecord(
            $"Rolled back {ReleaseStages.Lower(environment)} ({reason}); back to the promotion into {ReleaseStages.Lower(environment)}.",
            ReleaseStages.Promotion(environment), TimelineKinds.Rollback));
        return null;
    }
}
