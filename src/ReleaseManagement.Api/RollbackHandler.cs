using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Api.Audit;
using ReleaseManagement.Audit;
using ReleaseManagement.Events;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api;

/// <summary>The rollback on demand (issue 13, point 4): a release manager rolls a deployed environment of a running release back.</summary>
public sealed partial class RollbackHandler(
    IReleaseStore releases,
    IPipelineEventStore events,
    ReleasePolicy policy,
    IOptions<ApprovalOptions> approvalOptions,
    TimeProvider time,
    ILogger<RollbackHandler> log,
    AuditRecorder audit)
{
    /// <summary>
    /// <c>POST /api/releases/{id}/rollback</c> <c>{by, reason, environment?}</c>: by a release manager of the release
    /// (403 otherwise; with sign-in required, the signed-in user must be that person), of an environment the release is
    /// deployed to according to its pipeline events (409 otherwise, <see cref="RollbackTargets"/>); 202 when raised to the
    /// running release, which rolls back through the deployment pipeline.
    /// </summary>
    public async Task<Results<Accepted<RollbackAccepted>, ProblemHttpResult>> RollbackAsync(
        string releaseId, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        var (body, problem) = await ApiJson.ReadAsync<RollbackBody>(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        return await RequestRollbackAsync(releaseId, body, AppServicePrincipal.From(request), AuditOrigin.From(request), durable, cancellationToken);
    }

    /// <summary>
    /// A rollback once its body is read: validated, refused unless a release manager asks for a deployed environment of a
    /// running release, then raised. The route and a dashboard form both end here, so both follow the same rules.
    /// </summary>
    /// <param name="principal">The signed-in user (App Service authentication), when there is one.</param>
    /// <param name="origin">Where the request came from, for its audit row.</param>
    public async Task<Results<Accepted<RollbackAccepted>, ProblemHttpResult>> RequestRollbackAsync(
        string releaseId, RollbackBody? body, AppServicePrincipal? principal, AuditOrigin origin, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        var validation = RollbackRequestValidator.Validate(body, time.GetUtcNow());
        if (!validation.IsValid)
        {
            return Problems.Validation(validation.Errors, "The rollback request is invalid.");
        }

        var standing = await RunningRelease.CheckAsync(releases, durable, releaseId, cancellationToken);
        if (RunningRelease.Refusal(standing) is { } refusal)
        {
            return refusal;
        }

        var rollback = validation.Value!;
        var record = standing.Record!;
        if (ReleaseManagerCheck.Refusal(policy, approvalOptions.Value, record, rollback.By, principal, "rollback", log) is { } forbidden)
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
        await audit.RecordAsync(origin, releaseId, AuditActions.Rollback, rollback.By, $"Rollback of {name} requested: {rollback.Reason}",
            "deployment (rollback on demand: release-manager)", data: new Dictionary<string, string> { ["environment"] = name, ["reason"] = rollback.Reason },
            at: rollback.At, cancellationToken: cancellationToken);
        await durable.RaiseEventAsync(releaseId, ReleaseEventNames.Rollback, rollback with { Environment = target }, cancellationToken);
        LogRollback(log, releaseId, name, rollback.By);
        var location = ReleaseHandlers.StatusUri(releaseId);
        return TypedResults.Accepted(location, new RollbackAccepted(releaseId, name, rollback.Reason, rollback.By, rollback.At, location));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rollback of release {ReleaseId} in {Environment} requested by {By}")]
    private static partial void LogRollback(ILogger logger, string releaseId, string environment, string by);
}
