using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using ReleaseManagement.Api.Audit;
using ReleaseManagement.Audit;
using ReleaseManagement.Events;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api;

/// <summary>
/// <c>POST /api/releases/{id}/cancel</c>: ends a running release on request. The input is checked completely first (400,
/// 404, 409 change nothing); then the cancel is audited and raised, and the releases that shared its production window
/// lose that conflict.
/// </summary>
public sealed partial class CancelHandler(
    IReleaseStore releases,
    ReleasePolicy policy,
    TimeProvider time,
    ILogger<CancelHandler> log,
    AuditRecorder audit)
{
    /// <summary><c>POST /api/releases/{id}/cancel</c>: 202 when the cancel request was raised to the running release.</summary>
    public async Task<Results<Accepted<CancelAccepted>, ProblemHttpResult>> CancelAsync(
        string releaseId, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        var (body, problem) = await ApiJson.ReadAsync<CancelBody>(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        return await SubmitCancelAsync(releaseId, body, AuditOrigin.From(request), durable, cancellationToken);
    }

    /// <summary>A cancel once its body is read (the cancel route and the dashboard's form both end here).</summary>
    public async Task<Results<Accepted<CancelAccepted>, ProblemHttpResult>> SubmitCancelAsync(
        string releaseId, CancelBody? body, AuditOrigin origin, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        var validation = CancelRequestValidator.Validate(body, time.GetUtcNow());
        if (!validation.IsValid)
        {
            return Problems.Validation(validation.Errors, "The cancel request is invalid.");
        }

        var standing = await RunningRelease.CheckAsync(releases, durable, releaseId, cancellationToken);
        if (RunningRelease.Refusal(standing) is { } refusal)
        {
            return refusal;
        }

        var cancel = validation.Value!;
        await audit.RecordAsync(origin, releaseId, AuditActions.Cancel, cancel.By, $"Cancel requested: {cancel.Reason}", rule: null,
            data: new Dictionary<string, string> { ["reason"] = cancel.Reason }, at: cancel.At, cancellationToken: cancellationToken);
        await durable.RaiseEventAsync(releaseId, ReleaseEventNames.Cancel, cancel, cancellationToken);

        // The releases it shared a production window with lose that conflict (their warning is rewritten or cleared).
        var admission = new AdmissionWriter(releases, policy);
        await admission.LiftConflictsAsync(
            standing.Record!, await admission.NeighboursAsync(standing.Record!.Request, cancellationToken), movedTo: null, cancel.At, cancellationToken);
        LogCancel(log, releaseId, cancel.By);
        var location = ReleaseHandlers.StatusUri(releaseId);
        return TypedResults.Accepted(location, new CancelAccepted(standing.Record!.Request.Id, cancel.Reason, cancel.By, cancel.At, location));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cancel of release {ReleaseId} requested by {By}")]
    private static partial void LogCancel(ILogger logger, string releaseId, string by);
}
