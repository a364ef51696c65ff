using System.Globalization;
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
/// <c>PATCH /api/releases/{id}</c>: moves a running release to a new target production date, checked as if the release
/// were requested now with that date (planning horizon, production window, cadence, conflicts). The input is checked
/// completely first (400, 404, 409 change nothing); then the move is audited and raised, the warnings for the new date
/// are written and the releases of the old window lose the conflict.
/// </summary>
public sealed partial class RescheduleHandler(ReleaseControl control, IReleaseStore releases, ReleasePolicy policy, ILogger<RescheduleHandler> log)
{
    /// <summary>
    /// <c>PATCH /api/releases/{id}</c>: a new target production date, checked against the policy as if the release were
    /// requested now with that date (planning horizon, production window); 202 when raised to the running release.
    /// </summary>
    public Task<Results<Accepted<RescheduleAccepted>, ProblemHttpResult>> RescheduleAsync(
        string releaseId, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken) =>
        ReleaseControl.ReadThenAsync<RescheduleBody, RescheduleAccepted>(
            request, body => SubmitRescheduleAsync(releaseId, body, AppServicePrincipal.From(request), AuditOrigin.From(request), durable, cancellationToken), cancellationToken);

    /// <summary>A reschedule once its body is read (the reschedule route and the dashboard's form both end here).</summary>
    public async Task<Results<Accepted<RescheduleAccepted>, ProblemHttpResult>> SubmitRescheduleAsync(
        string releaseId, RescheduleBody? body, AppServicePrincipal? principal, AuditOrigin origin, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        var checkedRequest = await control.CheckAsync(
            releaseId, durable, (_, now) => RescheduleRequestValidator.Validate(body, now), "The reschedule request is invalid.", cancellationToken);
        if (checkedRequest.Refusal is { } refusal)
        {
            return refusal;
        }

        // The planning horizon and the production window of the policy the release runs under.
        var (reschedule, record) = (checkedRequest.Value, checkedRequest.Record);
        if (control.Forbidden(checkedRequest, ReleaseActions.Reschedule, reschedule.By, principal) is { } forbidden)
        {
            return forbidden;
        }

        var previous = record.Request;
        var check = RescheduleRequestValidator.CheckPolicy(checkedRequest.Policy, previous, reschedule);
        if (!check.IsValid)
        {
            return Problems.Validation(check.Errors, "The new target date does not meet the release policy.");
        }

        // The cadence and conflict rules for the new date, as for a new request (under the current policy, which judges the
        // conflicts between releases; the release itself is not counted).
        var admission = new AdmissionWriter(releases, policy);
        var moved = previous with { TargetDate = reschedule.TargetDate };
        var neighbours = await admission.NeighboursAsync(moved, cancellationToken);
        var admissionCheck = ReleaseAdmission.Check(policy, moved, neighbours);
        if (admissionCheck.FrequencyRule == FrequencyRule.RequireApproval)
        {
            // A running release's plan approval is not asked again: over the cadence it carries the warning only.
            admissionCheck = admissionCheck with { FrequencyRule = FrequencyRule.Warn };
        }

        if (admissionCheck.Refused)
        {
            return Problems.Admission(admissionCheck, "The new target date collides with other releases.");
        }

        var dates = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["from"] = previous.TargetDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["to"] = reschedule.TargetDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        if (reschedule.Reason is { } why)
        {
            dates["reason"] = why;
        }

        await control.RaiseAsync(durable, releaseId, ReleaseEventNames.Reschedule, reschedule, origin, new ControlAudit(
            AuditActions.Reschedule, reschedule.By, $"Target date moved from {dates["from"]} to {dates["to"]}.",
            $"releaseTypes.{previous.Type}.planningHorizon, releaseWindows", dates, reschedule.At), cancellationToken);

        // The admission index moves the release to its new date now (ahead of the orchestration's write of it), so the next
        // request, and the pages of the releases of the old window, see it where it goes; then its warnings for the new date
        // (set, replaced or cleared). A release manager added to the plan approval at the request stays; a reschedule adds
        // none to a running release.
        await releases.ReindexAsync(record, record with { Request = moved }, cancellationToken);
        await admission.WarnAsync(admissionCheck, record, replace: true, reschedule.At, cancellationToken);
        LogReschedule(log, releaseId, previous.TargetDate, reschedule.TargetDate, reschedule.By);
        var location = ReleaseHandlers.StatusUri(releaseId);
        return TypedResults.Accepted(
            location,
            new RescheduleAccepted(releaseId, reschedule.TargetDate, previous.TargetDate, reschedule.By, reschedule.At, reschedule.Reason, location));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Release {ReleaseId} rescheduled from {From} to {To} by {By}")]
    private static partial void LogReschedule(ILogger logger, string releaseId, DateOnly from, DateOnly to, string by);
}
