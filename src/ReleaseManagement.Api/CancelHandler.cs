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

/// <summary>
/// <c>POST /api/releases/{id}/cancel</c>: ends a running release on request. The input is checked completely first (400,
/// 403, 404, 409 change nothing: who may cancel is the policy's permission table, <see cref="ReleasePermissions"/>); then the cancel is audited and raised. The releases that shared its production window
/// lose that conflict when its orchestration writes the cancelled status (the admission index drops it).
/// </summary>
public sealed partial class CancelHandler(ReleaseControl control, ILogger<CancelHandler> log)
{
    /// <summary><c>POST /api/releases/{id}/cancel</c>: 202 when the cancel request was raised to the running release.</summary>
    public Task<Results<Accepted<CancelAccepted>, ProblemHttpResult>> CancelAsync(
        string releaseId, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken) =>
        ReleaseControl.ReadThenAsync<CancelBody, CancelAccepted>(
            request, body => SubmitCancelAsync(releaseId, body, AppServicePrincipal.From(request), AuditOrigin.From(request), durable, cancellationToken), cancellationToken);

    /// <summary>A cancel once its body is read (the cancel route and the dashboard's form both end here).</summary>
    public async Task<Results<Accepted<CancelAccepted>, ProblemHttpResult>> SubmitCancelAsync(
        string releaseId, CancelBody? body, AppServicePrincipal? principal, AuditOrigin origin, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        var checkedRequest = await control.CheckAsync(
            releaseId, durable, (_, now) => CancelRequestValidator.Validate(body, now), "The cancel request is invalid.", cancellationToken);
        if (checkedRequest.Refusal is { } refusal)
        {
            return refusal;
        }

        var (cancel, record) = (checkedRequest.Value, checkedRequest.Record);
        if (control.Forbidden(checkedRequest, ReleaseActions.Cancel, cancel.By, principal) is { } forbidden)
        {
            return forbidden;
        }

        await control.RaiseAsync(durable, releaseId, ReleaseEventNames.Cancel, cancel, origin, new ControlAudit(
            AuditActions.Cancel, cancel.By, $"Cancel requested: {cancel.Reason}", Rule: null, new Dictionary<string, string> { ["reason"] = cancel.Reason }, cancel.At), cancellationToken);

        // The releases it shared a production window with lose that conflict once its orchestration writes the cancelled
        // status, which removes it from the admission index (their pages judge their conflicts when read).
        LogCancel(log, releaseId, cancel.By);
        var location = ReleaseHandlers.StatusUri(releaseId);
        return TypedResults.Accepted(location, new CancelAccepted(record.Request.Id, cancel.Reason, cancel.By, cancel.At, location));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cancel of release {ReleaseId} requested by {By}")]
    private static partial void LogCancel(ILogger logger, string releaseId, string by);
}
