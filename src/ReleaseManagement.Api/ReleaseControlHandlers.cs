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

/// <summary>
/// The routes that steer a running release: cancel, reschedule, manual milestones and manual gate evidence. Every one
/// checks its input completely first (the core's request validators; 400, 403, 404, 409 change nothing), then raises one
/// external event to the release's orchestration; milestones and evidence are also stored as canonical events (source
/// <c>api</c>) in the pipeline event store, so they count in the metrics like events from pipelines.
/// </summary>
public sealed partial class ReleaseControlHandlers(
    IReleaseStore releases,
    IPipelineEventStore events,
    ReleasePolicy policy,
    IOptions<ApprovalOptions> approvalOptions,
    TimeProvider time,
    ILogger<ReleaseControlHandlers> log,
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
        if (NotRunning(standing) is { } refusal)
        {
            return refusal;
        }

        var cancel = validation.Value!;
        await AuditAsync(origin, releaseId, AuditActions.Cancel, cancel.By, $"Cancel requested: {cancel.Reason}", null,
            new() { ["reason"] = cancel.Reason }, cancel.At, cancellationToken);
        await durable.RaiseEventAsync(releaseId, ReleaseEventNames.Cancel, cancel, cancellationToken);

        // The releases it shared a production window with lose that conflict (their warning is rewritten or cleared).
        var admission = new AdmissionWriter(releases, policy);
        await admission.LiftConflictsAsync(
            standing.Record!, await admission.NeighboursAsync(standing.Record!.Request, cancellationToken), movedTo: null, cancel.At, cancellationToken);
        LogCancel(log, releaseId, cancel.By);
        var location = ReleaseHandlers.StatusUri(releaseId);
        return TypedResults.Accepted(location, new CancelAccepted(standing.Record!.Request.Id, cancel.Reason, cancel.By, cancel.At, location));
    }

    /// <summary>
    /// <c>PATCH /api/releases/{id}</c>: a new target production date, checked against the policy as if the release were
    /// requested now with that date (planning horizon, production window); 202 when raised to the running release.
    /// </summary>
    public async Task<Results<Accepted<RescheduleAccepted>, ProblemHttpResult>> RescheduleAsync(
        string releaseId, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        var (body, problem) = await ApiJson.ReadAsync<RescheduleBody>(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        return await SubmitRescheduleAsync(releaseId, body, AuditOrigin.From(request), durable, cancellationToken);
    }

    /// <summary>A reschedule once its body is read (the reschedule route and the dashboard's form both end here).</summary>
    public async Task<Results<Accepted<RescheduleAccepted>, ProblemHttpResult>> SubmitRescheduleAsync(
        string releaseId, RescheduleBody? body, AuditOrigin origin, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        var validation = RescheduleRequestValidator.Validate(body, time.GetUtcNow());
        if (!validation.IsValid)
        {
            return Problems.Validation(validation.Errors, "The reschedule request is invalid.");
        }

        var standing = await RunningRelease.CheckAsync(releases, durable, releaseId, cancellationToken);
        if (NotRunning(standing) is { } refusal)
        {
            return refusal;
        }

        var reschedule = validation.Value!;
        var previous = standing.Record!.Request;
        var check = RescheduleRequestValidator.CheckPolicy(policy, previous, reschedule);
        if (!check.IsValid)
        {
            return Problems.Validation(check.Errors, "The new target date does not meet the release policy.");
        }

        // The cadence and conflict rules for the new date, as for a new request (the release itself is not counted).
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
            ["from"] = previous.TargetDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["to"] = reschedule.TargetDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        };
        if (reschedule.Reason is { } why)
        {
            dates["reason"] = why;
        }

        await AuditAsync(origin, releaseId, AuditActions.Reschedule, reschedule.By,
            $"Target date moved from {dates["from"]} to {dates["to"]}.", $"releaseTypes.{previous.Type}.planningHorizon, releaseWindows", dates, reschedule.At, cancellationToken);
        await durable.RaiseEventAsync(releaseId, ReleaseEventNames.Reschedule, reschedule, cancellationToken);

        // Warnings for the new date (set, replaced or cleared), then the releases of the old window lose the conflict.
        // A release manager added to the plan approval at the request stays; a reschedule adds none to a running release.
        await admission.WarnAsync(admissionCheck, standing.Record!.Phase, neighbours, standing.Record!, replace: true, reschedule.At, cancellationToken);
        await admission.LiftConflictsAsync(
            standing.Record!, await admission.NeighboursAsync(previous, cancellationToken), reschedule.TargetDate, reschedule.At, cancellationToken);
        LogReschedule(log, releaseId, previous.TargetDate, reschedule.TargetDate, reschedule.By);
        var location = ReleaseHandlers.StatusUri(releaseId);
        return TypedResults.Accepted(
            location,
            new RescheduleAccepted(releaseId, reschedule.TargetDate, previous.TargetDate, reschedule.By, reschedule.At, reschedule.Reason, location));
    }

    /// <summary><c>POST /api/releases/{id}/milestones/{name}</c>: records a development milestone by hand (one of the policy's).</summary>
    public async Task<Results<Accepted<MilestoneAccepted>, ProblemHttpResult>> MilestoneAsync(
        string releaseId, string name, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        var (body, problem) = await ApiJson.ReadAsync<MilestoneBody>(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        return await RecordMilestoneAsync(releaseId, name, body, durable, cancellationToken, AuditOrigin.From(request));
    }

    /// <summary>
    /// A milestone once its body is read: validated, refused unless the release runs, stored and raised. The milestone
    /// route and the dashboard's form both end here, so both follow the same rules. <paramref name="origin"/> is what the
    /// audit trail records as its channel and client (default: the API, no address).
    /// </summary>
    public async Task<Results<Accepted<MilestoneAccepted>, ProblemHttpResult>> RecordMilestoneAsync(
        string releaseId, string name, MilestoneBody? body, DurableTaskClient durable, CancellationToken cancellationToken, AuditOrigin? origin = null)
    {
        var validation = MilestoneRequestValidator.Validate(policy, name, body);
        if (!validation.IsValid)
        {
            return Problems.Validation(validation.Errors, "The milestone is invalid.");
        }

        if (NotRunning(await RunningRelease.CheckAsync(releases, durable, releaseId, cancellationToken)) is { } refusal)
        {
            return refusal;
        }

        var milestone = validation.Value!;
        var evt = milestone.ToEvent(releaseId, NewEventId(), time.GetUtcNow());
        await AuditAsync(origin ?? new AuditOrigin(AuditChannels.Api), releaseId, AuditActions.Milestone, milestone.By, $"Milestone '{milestone.Milestone}' reached.",
            "promotion.milestones", Note(new() { ["milestone"] = milestone.Milestone }, milestone.Note), evt.OccurredAt, cancellationToken, evt.EventId);
        await StoreAndRaiseAsync(evt, durable, cancellationToken);
        return TypedResults.Accepted((string?)null, new MilestoneAccepted(evt.EventId, releaseId, milestone.Milestone));
    }

    /// <summary>
    /// <c>POST /api/releases/{id}/evidence</c>: an attestation (by a holder of one of the item's attestation roles), a
    /// waiver (of a waivable item, with a reason) or evidence (passed and/or a measured value) for a gate item.
    /// </summary>
    public async Task<Results<Accepted<EvidenceAccepted>, ProblemHttpResult>> EvidenceAsync(
        string releaseId, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        var (body, problem) = await ApiJson.ReadAsync<EvidenceBody>(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        return await RecordEvidenceAsync(releaseId, body, request, durable, cancellationToken);
    }

    /// <summary>
    /// Evidence, an attestation or a waiver once its body is read (the evidence route and the dashboard's forms both end
    /// here); <paramref name="request"/> carries the signed-in person.
    /// </summary>
    public async Task<Results<Accepted<EvidenceAccepted>, ProblemHttpResult>> RecordEvidenceAsync(
        string releaseId, EvidenceBody? body, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken,
        string channel = AuditChannels.Api)
    {
        var validation = EvidenceRequestValidator.Validate(policy, body);
        if (!validation.IsValid)
        {
            return Problems.Validation(validation.Errors, "The evidence is invalid.");
        }

        var standing = await RunningRelease.CheckAsync(releases, durable, releaseId, cancellationToken);
        if (NotRunning(standing) is { } refusal)
        {
            return refusal;
        }

        var evidence = validation.Value!;
        if (GateItemInputs.IsEmergencyReview(policy, evidence.Item.Id) && standing.Record!.Request.Type != ReleaseType.Hotfix)
        {
            return Problems.Conflict(
                "No emergency change review is owed.",
                $"Release '{releaseId}' is a {standing.Record.Request.Type} release: only hotfixes owe the review '{evidence.Item.Id}'.");
        }

        if (NotEntitled(request, standing.Record!, evidence) is { } forbidden)
        {
            return forbidden;
        }

        var evt = evidence.ToEvent(releaseId, NewEventId(), time.GetUtcNow());
        await AuditEvidenceAsync(AuditOrigin.From(request, channel), releaseId, evidence, evt, cancellationToken);
        await StoreAndRaiseAsync(evt, durable, cancellationToken);
        return TypedResults.Accepted((string?)null, new EvidenceAccepted(evt.EventId, releaseId, evidence.Item.Id, evidence.Kind));
    }

    /// <summary>The 404 of an unknown release or the 409 of one that is not running; null when it runs.</summary>
    private static ProblemHttpResult? NotRunning(ReleaseStanding standing) =>
        !standing.Exists ? Problems.UnknownRelease(standing.ReleaseId)
        : !standing.IsRunning ? Problems.Conflict("The release is not running.", $"Release '{standing.ReleaseId}' {standing.NotRunningReason}.")
        : null;

    /// <summary>
    /// Attestations and waivers are a named person's word: with sign-in required, that person must be the one signed in;
    /// and an attestation must come from a holder of one of the item's attestation roles for this release.
    /// </summary>
    private ProblemHttpResult? NotEntitled(HttpRequest request, ReleaseRecord record, ManualEvidence evidence)
    {
        if (evidence.IsPersonsWord && approvalOptions.Value.RequireSignedInApprover)
        {
            var principal = AppServicePrincipal.From(request);
            if (principal is null)
            {
                return Problems.Forbidden("Sign-in required.", "Attestations and waivers need a signed-in user (App Service authentication).");
            }

            if (!principal.Is(evidence.By))
            {
                return Problems.Forbidden("Not the person named.", "The signed-in user is not the person named in 'by'.");
            }
        }

        // The entitlement rule GateEvaluator applies too (GateEntitlement): refused here, ignored there.
        var item = evidence.Item;
        var approvers = ApproverDirectory.Resolve(policy, record.Request.Systems, record.Request.Approvers);
        if (GateEntitlement.Allows(item, evidence.Kind, evidence.By, approvers))
        {
            return null;
        }

        var roles = string.Join(", ", GateEntitlement.RolesFor(item, evidence.Kind));
        if (evidence.Kind == EvidenceKinds.Waiver)
        {
            LogRefusedWaiver(log, record.Request.Id, item.Id);
            return Problems.Forbidden(
                "Not allowed to waive this item.",
                $"{evidence.By} holds none of the roles that may waive '{item.Id}' for release '{record.Request.Id}' ({roles}).");
        }

        LogRefusedAttestation(log, record.Request.Id, item.Id);
        return Problems.Forbidden(
            "Not an attester of this item.",
            $"{evidence.By} holds none of the roles that may attest '{item.Id}' for release '{record.Request.Id}' ({roles}).");
    }

    /// <summary>One audit row (the trail is required: a wiring mistake fails at start-up, it does not silently stop the audit).</summary>
    private Task AuditAsync(
        AuditOrigin origin, string releaseId, string action, string by, string summary, string? rule, Dictionary<string, string> data,
        DateTimeOffset at, CancellationToken cancellationToken, string? eventKey = null) =>
        audit.RecordAsync(origin, releaseId, action, by, summary, rule, eventKey, data, at, cancellationToken);

    /// <summary>The audit row of evidence, an attestation or a waiver, naming the policy rule that let the person give it.</summary>
    private Task AuditEvidenceAsync(AuditOrigin origin, string releaseId, ManualEvidence evidence, CanonicalEvent evt, CancellationToken cancellationToken)
    {
        var item = evidence.Item;
        var data = Note(new() { ["item"] = item.Id, ["kind"] = evidence.Kind }, evidence.Note);
        var where = GateItemInputs.IsEmergencyReview(policy, item.Id) ? "emergencyReview"
            : string.Equals(item.Id, policy.SuccessCriteria.SignOffItem, StringComparison.OrdinalIgnoreCase) ? "successCriteria"
            : $"qualityGates.{policy.QualityGates.FirstOrDefault(g => g.Value.Items.Any(i => i.Id == item.Id)).Key}.{item.Id}";
        string summary;
        string? rule;
        switch (evidence.Kind)
        {
            case EvidenceKinds.Attestation:
                var approved = evidence.Approved ?? true;
                data["approved"] = approved ? "true" : "false";
                summary = approved ? $"Attested '{item.Id}'." : $"Declined to attest '{item.Id}'.";
                rule = $"{where}: attested by {string.Join(" or ", item.AttestationRoles)}";
                break;
            case EvidenceKinds.Waiver:
                data["reason"] = evidence.Reason!;
                summary = $"Waived '{item.Id}': {evidence.Reason}";
                rule = $"{where}: waived by {string.Join(" or ", item.WaiverRoles)}";
                break;
            default:
                if (evidence.Passed is { } passed)
                {
                    data["passed"] = passed ? "true" : "false";
                }

                if (evidence.Value is { } value)
                {
                    data["value"] = value.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                summary = $"Evidence for '{item.Id}'" + (evidence.Passed is { } p ? (p ? ": passed." : ": failed.") : ".");
                rule = where;
                break;
        }

        return AuditAsync(origin, releaseId, evidence.Kind, evidence.By, summary, rule, data, evt.OccurredAt, cancellationToken, evt.EventId);
    }

    private static Dictionary<string, string> Note(Dictionary<string, string> data, string? note)
    {
        if (note is not null)
        {
            data["note"] = note;
        }

        return data;
    }

    private static string NewEventId() => EventSources.EventId(EventSources.Api, Guid.NewGuid().ToString("N"));

    /// <summary>As the pipeline event processor does: store (for metrics and the release's record), raise, mark processed.</summary>
    private async Task<CanonicalEvent> StoreAndRaiseAsync(CanonicalEvent evt, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        await events.AddAsync(evt, time.GetUtcNow(), cancellationToken);
        await durable.RaiseEventAsync(evt.ReleaseId!, ReleaseEventNames.Pipeline, evt, cancellationToken);
        await events.MarkProcessedAsync(evt, EventDelivery.Raised, time.GetUtcNow(), cancellationToken);
        LogRaised(log, evt.EventId, evt.Type, evt.ReleaseId!);
        return evt;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cancel of release {ReleaseId} requested by {By}")]
    private static partial void LogCancel(ILogger logger, string releaseId, string by);

    [LoggerMessage(Level = LogLevel.Information, Message = "Release {ReleaseId} rescheduled from {From} to {To} by {By}")]
    private static partial void LogReschedule(ILogger logger, string releaseId, DateOnly from, DateOnly to, string by);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored and raised manual event {EventId} ({EventType}) to release {ReleaseId}")]
    private static partial void LogRaised(ILogger logger, string eventId, CanonicalEventType eventType, string releaseId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Attestation of {Item} on release {ReleaseId} refused: the person holds none of its roles")]
    private static partial void LogRefusedAttestation(ILogger logger, string releaseId, string item);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waiver of {Item} on release {ReleaseId} refused: the person holds none of its waiver roles")]
    private static partial void LogRefusedWaiver(ILogger logger, string releaseId, string item);
}
