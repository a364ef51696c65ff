using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Api.Audit;
using ReleaseManagement.Audit;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api;

/// <summary>
/// <c>POST /api/releases/{id}/evidence</c>: evidence, an attestation or a waiver for a gate item, given by hand. The input
/// is checked completely first (400, 403, 404, 409 change nothing): who may give it is <see cref="GateEntitlement"/>, the
/// rule <see cref="GateEvaluator"/> applies too. Then it is audited, naming the policy rule that let the person give it,
/// and stored and raised as a canonical event (<see cref="ManualEventRaiser"/>).
/// </summary>
public sealed partial class EvidenceHandler(ReleaseControl control, IOptions<ApprovalOptions> approvalOptions, TimeProvider time, ILogger<EvidenceHandler> log)
{
    /// <summary>
    /// <c>POST /api/releases/{id}/evidence</c>: an attestation (by a holder of one of the item's attestation roles), a
    /// waiver (of a waivable item, with a reason) or evidence (passed and/or a measured value) for a gate item.
    /// </summary>
    public Task<Results<Accepted<EvidenceAccepted>, ProblemHttpResult>> EvidenceAsync(
        string releaseId, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken) =>
        ReleaseControl.ReadThenAsync<EvidenceBody, EvidenceAccepted>(
            request, body => RecordEvidenceAsync(releaseId, body, request, durable, cancellationToken), cancellationToken);

    /// <summary>
    /// Evidence, an attestation or a waiver once its body is read (the evidence route and the dashboard's forms both end
    /// here); <paramref name="request"/> carries the signed-in person. The item and who may give it are those of the policy
    /// the release runs under.
    /// </summary>
    public async Task<Results<Accepted<EvidenceAccepted>, ProblemHttpResult>> RecordEvidenceAsync(
        string releaseId, EvidenceBody? body, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken,
        string channel = AuditChannels.Api)
    {
        var checkedRequest = await control.CheckAsync(
            releaseId, durable, (policy, _) => EvidenceRequestValidator.Validate(policy, body), "The evidence is invalid.", cancellationToken);
        if (checkedRequest.Refusal is { } refusal)
        {
            return refusal;
        }

        var (evidence, record, policy) = (checkedRequest.Value, checkedRequest.Record, checkedRequest.Policy);
        if (GateItemInputs.IsEmergencyReview(policy, evidence.Item.Id) && record.Request.Type != ReleaseType.Hotfix)
        {
            return Problems.Conflict(
                "No emergency change review is owed.",
                $"Release '{releaseId}' is a {record.Request.Type} release: only hotfixes owe the review '{evidence.Item.Id}'.");
        }

        // The roles the signed-in person's claims grant travel with an attestation or waiver, so the lifecycle counts it as
        // this check did (access.roleClaims); a pipeline's event never carries them (ReleaseInbox.ClaimedRoles).
        evidence = evidence with { ClaimedRoles = evidence.IsPersonsWord ? Auth.ClaimedRoles.Of(policy, AppServicePrincipal.From(request), evidence.By) : [] };
        if (evidence.Kind == EvidenceKinds.KnownIssue)
        {
            // Not a gate item's input: who may add a known issue is the permission table's (access.permissions.knownIssue).
            if (PermissionCheck.Refusal(checkedRequest, ReleaseActions.KnownIssue, approvalOptions.Value, evidence.By, AppServicePrincipal.From(request), log) is { } refused)
            {
                return refused;
            }
        }
        else if (NotEntitled(request, policy, record, evidence) is { } forbidden)
        {
            return forbidden;
        }

        var evt = evidence.ToEvent(releaseId, ManualEventRaiser.NewEventId(), time.GetUtcNow());
        await control.RaiseManualAsync(durable, evt, AuditOrigin.From(request, channel), AuditOf(policy, evidence), cancellationToken);
        return TypedResults.Accepted((string?)null, new EvidenceAccepted(evt.EventId, releaseId, evidence.Item.Id, evidence.Kind));
    }

    /// <summary>
    /// Attestations and waivers are a named person's word: with sign-in required, that person must be the one signed in;
    /// and an attestation must come from a holder of one of the item's attestation roles for this release.
    /// </summary>
    private ProblemHttpResult? NotEntitled(HttpRequest request, ReleasePolicy policy, ReleaseRecord record, ManualEvidence evidence)
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

        var approvers = ApproverDirectory.WithClaimedRoles(
            ApproverDirectory.Resolve(policy, record.Request.Systems, record.Request.Approvers), evidence.By, evidence.ClaimedRoles);
        if (GateEntitlement.Allows(item, evidence.Kind, evidence.By, approvers, policy.Access))
        {
            return null;
        }

        if (GateEntitlement.MachineEvidenceRefusal(item, evidence.Kind, policy.Access) is { } machine)
        {
            LogRefusedReport(log, record.Request.Id, item.Id);
            return Problems.Forbidden("Machine evidence comes from pipelines.", machine);
        }

        var roles = string.Join(", ", GateEntitlement.RolesFor(item, evidence.Kind));
        if (evidence.Kind == EvidenceKinds.Waiver)
        {
            LogRefusedWaiver(log, record.Request.Id, item.Id);
            return Problems.Forbidden(
                "Not allowed to waive this item.",
                $"{evidence.By} holds none of the roles that may waive '{item.Id}' for release '{record.Request.Id}' ({roles}).");
        }

        if (evidence.Kind != EvidenceKinds.Attestation)
        {
            LogRefusedReport(log, record.Request.Id, item.Id);
            return Problems.Forbidden(
                "Not a reporter of this item.",
                $"{evidence.By} holds none of the roles that may report '{item.Id}' for release '{record.Request.Id}' ({roles}).");
        }

        LogRefusedAttestation(log, record.Request.Id, item.Id);
        return Problems.Forbidden(
            "Not an attester of this item.",
            $"{evidence.By} holds none of the roles that may attest '{item.Id}' for release '{record.Request.Id}' ({roles}).");
    }

    /// <summary>The audit row of evidence, an attestation or a waiver, naming the policy rule that let the person give it.</summary>
    private static ControlAudit AuditOf(ReleasePolicy policy, ManualEvidence evidence)
    {
        var item = evidence.Item;
        var data = new Dictionary<string, string> { ["item"] = item.Id, ["kind"] = evidence.Kind };
        if (evidence.Note is { } note)
        {
            data["note"] = note;
        }

        if (evidence.ClaimedRoles.Count > 0)
        {
            data["claimedRoles"] = string.Join(",", evidence.ClaimedRoles);
        }

        var where = GateItemInputs.IsEmergencyReview(policy, item.Id) ? "emergencyReview"
            : string.Equals(item.Id, policy.SuccessCriteria.SignOffItem, StringComparison.OrdinalIgnoreCase) ? "successCriteria"
            : item.SatisfiedBy == GateSatisfaction.Document ? $"documents.{item.Id}"
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
            case EvidenceKinds.KnownIssue:
                data["title"] = evidence.Title!;
                if (evidence.Url is { } link)
                {
                    data["url"] = link;
                }

                summary = $"Known issue added: {evidence.Title}";
                rule = $"access.permissions.{ReleaseActions.KnownIssue}: {string.Join(" or ", ReleasePermissions.For(policy, ReleaseActions.KnownIssue).Roles)}";
                break;
            case EvidenceKinds.Document:
                data["url"] = evidence.Url!;
                if (evidence.Title is { } title)
                {
                    data["title"] = title;
                }

                summary = $"Linked document '{item.Id}': {evidence.Url}";
                rule = $"{where}: reported by {string.Join(" or ", GateEntitlement.RolesFor(item, evidence.Kind))}";
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

        return new ControlAudit(evidence.Kind, evidence.By, summary, rule, data);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Attestation of {Item} on release {ReleaseId} refused: the person holds none of its roles")]
    private static partial void LogRefusedAttestation(ILogger logger, string releaseId, string item);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Evidence for {Item} on release {ReleaseId} refused: the person holds none of its reporter roles")]
    private static partial void LogRefusedReport(ILogger logger, string releaseId, string item);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} of {Item} on release {ReleaseId} refused: the person requested the release (four eyes)")]
    private static partial void LogRefusedOwnRelease(ILogger logger, string releaseId, string item, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waiver of {Item} on release {ReleaseId} refused: the person holds none of its waiver roles")]
    private static partial void LogRefusedWaiver(ILogger logger, string releaseId, string item);
}
