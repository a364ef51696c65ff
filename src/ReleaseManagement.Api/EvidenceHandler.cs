using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Api.Audit;
using ReleaseManagement.Audit;
using ReleaseManagement.Events;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api;

/// <summary>
/// <c>POST /api/releases/{id}/evidence</c>: evidence, an attestation or a waiver for a gate item, given by hand. The input
/// is checked completely first (400, 403, 404, 409 change nothing): who may give it is <see cref="GateEntitlement"/>, the
/// rule <see cref="GateEvaluator"/> applies too. Then it is audited, naming the policy rule that let the person give it,
/// and stored and raised as a canonical event (<see cref="ManualEventRaiser"/>).
/// </summary>
public sealed partial class EvidenceHandler(
    IReleaseStore releases,
    ReleasePolicy policy,
    ManualEventRaiser raiser,
    IOptions<ApprovalOptions> approvalOptions,
    TimeProvider time,
    ILogger<EvidenceHandler> log,
    AuditRecorder audit)
{
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
        if (RunningRelease.Refusal(standing) is { } refusal)
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

        var evt = evidence.ToEvent(releaseId, ManualEventRaiser.NewEventId(), time.GetUtcNow());
        await AuditEvidenceAsync(AuditOrigin.From(request, channel), releaseId, evidence, evt, cancellationToken);
        await raiser.StoreAndRaiseAsync(evt, durable, cancellationToken);
        return TypedResults.Accepted((string?)null, new EvidenceAccepted(evt.EventId, releaseId, evidence.Item.Id, evidence.Kind));
    }

    /// <summary>
    /// Attestations and waivers are a named person's word: with sign-in required, that person must be the one signed in;
    /// and an attestation must come from a holder of one of the item's attestation roles for this release.
    /// </summary>
    private ProblemHttpResult? NotEntitled(HttpRequest request, ReleaseRecord record, ManualEvidence evidence)
    {
        if (evidence.IsPersonsWord
            && SignedInPerson.Refusal(approvalOptions.Value, AppServicePrincipal.From(request), evidence.By, "Attestations and waivers need a signed-in user (App Service authentication).") is { } unsigned)
        {
            return unsigned;
        }

        // The entitlement rule GateEvaluator applies too (GateEntitlement): refused here, ignored there.
        var item = evidence.Item;
        if (FourEyes.For(policy, record.Request, approvalOptions.Value.RequesterMayApprove).Refusal(policy, item, evidence.Kind, evidence.By) is { } own)
        {
            LogRefusedOwnRelease(log, record.Request.Id, item.Id, evidence.Kind);
            return Problems.Forbidden("Not on your own release.", own);
        }

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

    /// <summary>The audit row of evidence, an attestation or a waiver, naming the policy rule that let the person give it.</summary>
    private Task AuditEvidenceAsync(AuditOrigin origin, string releaseId, ManualEvidence evidence, CanonicalEvent evt, CancellationToken cancellationToken)
    {
        var item = evidence.Item;
        var data = new Dictionary<string, string> { ["item"] = item.Id, ["kind"] = evidence.Kind };
        if (evidence.Note is { } note)
        {
            data["note"] = note;
        }

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
                    data["value"] = value.ToString(CultureInfo.InvariantCulture);
                }

                summary = $"Evidence for '{item.Id}'" + (evidence.Passed is { } p ? (p ? ": passed." : ": failed.") : ".");
                rule = where;
                break;
        }

        return audit.RecordAsync(origin, releaseId, evidence.Kind, evidence.By, summary, rule, evt.EventId, data, evt.OccurredAt, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Attestation of {Item} on release {ReleaseId} refused: the person holds none of its roles")]
    private static partial void LogRefusedAttestation(ILogger logger, string releaseId, string item);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} of {Item} on release {ReleaseId} refused: the person requested the release (four eyes)")]
    private static partial void LogRefusedOwnRelease(ILogger logger, string releaseId, string item, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waiver of {Item} on release {ReleaseId} refused: the person holds none of its waiver roles")]
    private static partial void LogRefusedWaiver(ILogger logger, string releaseId, string item);
}
