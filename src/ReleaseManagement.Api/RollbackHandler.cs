using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Api.Audit;
using ReleaseManagement.Audit;
using ReleaseManagement.Events;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api;

/// <summary>The rollback on demand (issue 13, point 4): a release manager rolls a deployed environment of a running release back.</summary>
public sealed partial class RollbackHandler(
    ReleaseControl control, IPipelineEventStore events, ILogger<RollbackHandler> log)
{
    /// <summary>
    /// <c>POST /api/releases/{id}/rollback</c> <c>{by, reason, environment?}</c>: by a release manager of the release
    /// (403 otherwise; with sign-in required, the signed-in user must be that person), of an environment the release is
    /// deployed to according to its pipeline events (409 otherwise, <see cref="RollbackTargets"/>); 202 when raised to the
    /// running release, which rolls back through the deployment pipeline.
    /// </summary>
    public Task<Results<Accepted<RollbackAccepted>, ProblemHttpResult>> RollbackAsync(
        string releaseId, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken) =>
        ReleaseControl.ReadThenAsync<RollbackBody, RollbackAccepted>(
            request, body => RequestRollbackAsync(releaseId, body, AppServicePrincipal.From(request), AuditOrigin.From(request), durable, cancellationToken), cancellationToken);

    /// <summary>
    /// A rollback once its body is read: validated, refused unless a release manager asks for a deployed environment of a
    /// running release, then raised. The route and a dashboard form both end here, so both follow the same rules.
    /// </summary>
    /// <param name="principal">The signed-in user (App Service authentication), when there is one.</param>
    /// <param name="origin">Where the request came from, for its audit row.</param>
    public async Task<Results<Accepted<RollbackAccepted>, ProblemHttpResult>> RequestRollbackAsync(
        string releaseId, RollbackBody? body, AppServicePrincipal? principal, AuditOrigin origin, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        var checkedRequest = await control.CheckAsync(
            releaseId, durable, (_, now) => RollbackRequestValidator.Validate(body, now), "The rollback request is invalid.", cancellationToken);
        if (checkedRequest.Refusal is { } refusal)
        {
            return refusal;
        }

        var rollback = checkedRequest.Value;
        if (control.Forbidden(checkedRequest, ReleaseActions.Rollback, rollback.By, principal) is { } forbidden)
        {
            return forbidden;
        }

        var deployed = RollbackTargets.Deployed((await events.ListByReleaseAsync(releaseId, cancellationToken)).Select(e => e.Event));
        var (environment, nothing) = RollbackTargets.Choose(deployed, rollback.Environment);
        if (environment is not { } target)
        {
            return Problems.Conflict("Nothing to roll back.", $"Release '{releaseId}' cannot be rolled back there: {nothing}.");
        }

        var name = target.ToString().ToLowerInvariant();
        await control.RaiseAsync(durable, releaseId, ReleaseEventNames.Rollback, rollback with { Environment = target }, origin, new ControlAudit(
            AuditActions.Rollback, rollback.By, $"Rollback of {name} requested: {rollback.Reason}", "deployment (rollback on demand: release-manager)",
            new Dictionary<string, string> { ["environment"] = name, ["reason"] = rollback.Reason }, rollback.At), cancellationToken);
        LogRollback(log, releaseId, name, rollback.By);
        var location = ReleaseHandlers.StatusUri(releaseId);
        return TypedResults.Accepted(location, new RollbackAccepted(releaseId, name, rollback.Reason, rollback.By, rollback.At, location));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rollback of release {ReleaseId} in {Environment} requested by {By}")]
    private static partial void LogRollback(ILogger logger, string releaseId, string environment, string by);
}
