using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Events;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api;

/// <summary>The body of <c>POST /api/releases/{id}/cancel</c>.</summary>
public sealed class CancelBody
{
    public string? Reason { get; set; }
    public string? By { get; set; }
}

/// <summary>The body of <c>PATCH /api/releases/{id}</c>.</summary>
public sealed class RescheduleBody
{
    public string? TargetDate { get; set; }
    public string? By { get; set; }
    public string? Reason { get; set; }
}

/// <summary>The body of <c>POST /api/releases/{id}/milestones/{name}</c>.</summary>
public sealed class MilestoneBody
{
    public string? By { get; set; }
    public string? Note { get; set; }
}

/// <summary>The body of <c>POST /api/releases/{id}/evidence</c>.</summary>
public sealed class EvidenceBody
{
    public string? Item { get; set; }
    public string? Kind { get; set; }
    public string? By { get; set; }
    public bool? Approved { get; set; }
    public bool? Passed { get; set; }
    public decimal? Value { get; set; }
    public string? Reason { get; set; }
    public string? Note { get; set; }
}

/// <summary>The kinds of manual gate input <c>POST /api/releases/{id}/evidence</c> takes.</summary>
public static class EvidenceKinds
{
    public const string Attestation = "attestation";
    public const string Waiver = "waiver";
    public const string Evidence = "evidence";

    public static readonly IReadOnlyList<string> All = [Attestation, Waiver, Evidence];
}

/// <summary>
/// The routes that steer a running release: cancel, reschedule, manual milestones and manual gate evidence. Every one
/// checks its input completely first (400, 403, 404, 409 change nothing), then raises one external event to the release's
/// orchestration; milestones and evidence are also stored as canonical events (source <c>api</c>) in the pipeline event
/// store, so they count in the metrics like events from pipelines.
/// </summary>
public sealed partial class LifecycleHandlers(
    IReleaseStore releases,
    IPipelineEventStore events,
    ReleasePolicy policy,
    IOptions<ApprovalOptions> approvalOptions,
    TimeProvider time,
    ILogger<LifecycleHandlers> log)
{
    public const int MaxReasonLength = 1000;
    public const int MaxNoteLength = 2000;

    /// <summary><c>POST /api/releases/{id}/cancel</c>: 202 when the cancel request was raised to the running release.</summary>
    public async Task<IResult> CancelAsync(string releaseId, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        var (body, problem) = await ApiJson.ReadAsync<CancelBody>(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        var reason = Required(body!.Reason, "reason", "The reason is required.", MaxReasonLength, errors);
        var by = Person(body.By, "by", errors);
        if (errors.Any)
        {
            return Problems.Validation(errors.ToDictionary(), "The cancel request is invalid.");
        }

        var (record, refusal) = await RunningReleaseAsync(releaseId, durable, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var cancel = new CancelRequest(reason!, by!, time.GetUtcNow());
        await durable.RaiseEventAsync(releaseId, ReleaseEventNames.Cancel, cancel, cancellationToken);
        LogCancel(log, releaseId, by!);
        var location = ReleaseHandlers.StatusUri(releaseId);
        return ApiJson.Json(new { releaseId = record!.Request.Id, reason = cancel.Reason, by = cancel.By, at = cancel.At, statusUri = location }, StatusCodes.Status202Accepted)
            .WithLocation(location);
    }

    /// <summary>
    /// <c>PATCH /api/releases/{id}</c>: a new target production date, checked against the policy as if the release were
    /// requested now with that date (planning horizon, production window); 202 when raised to the running release.
    /// </summary>
    public async Task<IResult> RescheduleAsync(string releaseId, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        var (body, problem) = await ApiJson.ReadAsync<RescheduleBody>(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        DateOnly targetDate = default;
        if (string.IsNullOrWhiteSpace(body!.TargetDate))
        {
            errors.Add("targetDate", "The new target date is required (yyyy-MM-dd).");
        }
        else if (!DateOnly.TryParseExact(body.TargetDate.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out targetDate))
        {
            errors.Add("targetDate", $"'{body.TargetDate}' is not a date in the form yyyy-MM-dd.");
        }

        var by = Person(body.By, "by", errors);
        var reason = Optional(body.Reason, "reason", MaxReasonLength, errors);
        if (errors.Any)
        {
            return Problems.Validation(errors.ToDictionary(), "The reschedule request is invalid.");
        }

        var (record, refusal) = await RunningReleaseAsync(releaseId, durable, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var now = time.GetUtcNow();
        var moved = record!.Request with { TargetDate = targetDate };
        var check = ReleaseRequestPolicyValidator.Validate(policy, moved, now);
        if (!check.IsValid)
        {
            return Problems.Validation(check.Errors, "The new target date does not meet the release policy.");
        }

        var reschedule = new RescheduleRequest(targetDate, by!, now, reason);
        await durable.RaiseEventAsync(releaseId, ReleaseEventNames.Reschedule, reschedule, cancellationToken);
        LogReschedule(log, releaseId, record.Request.TargetDate, targetDate, by!);
        var location = ReleaseHandlers.StatusUri(releaseId);
        return ApiJson.Json(
                new { releaseId, targetDate, previousTargetDate = record.Request.TargetDate, by = reschedule.By, at = reschedule.At, reason, statusUri = location },
                StatusCodes.Status202Accepted)
            .WithLocation(location);
    }

    /// <summary><c>POST /api/releases/{id}/milestones/{name}</c>: records a development milestone by hand (one of the policy's).</summary>
    public async Task<IResult> MilestoneAsync(string releaseId, string name, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        var (body, problem) = await ApiJson.ReadAsync<MilestoneBody>(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        var milestone = policy.Promotion.Milestones.FirstOrDefault(m => string.Equals(m, name?.Trim(), StringComparison.OrdinalIgnoreCase));
        if (milestone is null)
        {
            errors.Add("name", $"'{name}' is not a milestone: use one of {string.Join(", ", policy.Promotion.Milestones)}.");
        }

        var by = Person(body!.By, "by", errors);
        var note = Optional(body.Note, "note", MaxNoteLength, errors);
        if (errors.Any)
        {
            return Problems.Validation(errors.ToDictionary(), "The milestone is invalid.");
        }

        var (_, refusal) = await RunningReleaseAsync(releaseId, durable, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var attributes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [EventAttributes.Milestone] = milestone!,
            [EventAttributes.Approver] = by!,
        };
        AddIfPresent(attributes, EventAttributes.Note, note);
        var evt = NewEvent(CanonicalEventType.MilestoneReached, releaseId, null, attributes);
        await StoreAndRaiseAsync(evt, durable, cancellationToken);
        return ApiJson.Json(new { eventId = evt.EventId, releaseId, milestone }, StatusCodes.Status202Accepted);
    }

    /// <summary>
    /// <c>POST /api/releases/{id}/evidence</c>: an attestation (by a holder of one of the item's attestation roles), a
    /// waiver (of a waivable item, with a reason) or evidence (passed and/or a measured value) for a gate item.
    /// </summary>
    public async Task<IResult> EvidenceAsync(string releaseId, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        var (body, problem) = await ApiJson.ReadAsync<EvidenceBody>(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        GateItem? item = null;
        if (string.IsNullOrWhiteSpace(body!.Item))
        {
            errors.Add("item", "The gate item is required.");
        }
        else if ((item = FindGateItem(body.Item)) is null)
        {
            errors.Add("item", $"'{body.Item}' is not a gate item: use one of {string.Join(", ", GateItems().Select(i => i.Id))}.");
        }

        var kind = body.Kind?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(kind))
        {
            errors.Add("kind", $"The kind is required: one of {string.Join(", ", EvidenceKinds.All)}.");
        }
        else if (!EvidenceKinds.All.Contains(kind))
        {
            errors.Add("kind", $"'{body.Kind}' is not a kind of evidence: use one of {string.Join(", ", EvidenceKinds.All)}.");
            kind = null;
        }

        var by = Person(body.By, "by", errors);
        var note = Optional(body.Note, "note", MaxNoteLength, errors);
        string? reason = null;
        if (kind is not null)
        {
            // Fields that belong to another kind are refused rather than silently dropped.
            if (body.Approved is not null && kind != EvidenceKinds.Attestation)
            {
                errors.Add("approved", "'approved' belongs to an attestation.");
            }

            if (body.Passed is not null && kind != EvidenceKinds.Evidence)
            {
                errors.Add("passed", "'passed' belongs to evidence.");
            }

            if (body.Value is not null && kind != EvidenceKinds.Evidence)
            {
                errors.Add("value", "'value' belongs to evidence.");
            }

            if (body.Reason is not null && kind != EvidenceKinds.Waiver)
            {
                errors.Add("reason", "'reason' belongs to a waiver.");
            }

            if (kind == EvidenceKinds.Waiver)
            {
                reason = Required(body.Reason, "reason", "A waiver needs a reason.", MaxReasonLength, errors);
            }

            if (item is not null)
            {
                CheckKindFitsItem(item, kind, body, errors);
            }
        }

        if (errors.Any)
        {
            return Problems.Validation(errors.ToDictionary(), "The evidence is invalid.");
        }

        var (record, refusal) = await RunningReleaseAsync(releaseId, durable, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        if (kind is EvidenceKinds.Attestation or EvidenceKinds.Waiver)
        {
            // Attestations and waivers are a named person's word: with sign-in required, that person must be the one signed in.
            var forbidden = CheckSignedIn(request, by!);
            if (forbidden is not null)
            {
                return forbidden;
            }
        }

        if (kind == EvidenceKinds.Attestation && item!.AttestationRoles.Count > 0)
        {
            var approvers = ApproverDirectory.Resolve(policy, record!.Request.Systems, record.Request.Approvers);
            if (ApproverDirectory.RolesOf(approvers, item.AttestationRoles, by!).Count == 0)
            {
                LogRefusedAttestation(log, releaseId, item.Id);
                return Problems.Forbidden(
                    "Not an attester of this item.",
                    $"{by} holds none of the roles that may attest '{item.Id}' for release '{releaseId}' ({string.Join(", ", item.AttestationRoles)}).");
            }
        }

        var attributes = new Dictionary<string, string>(StringComparer.Ordinal) { [EventAttributes.GateItem] = item!.Id };
        string? outcome = null;
        switch (kind)
        {
            case EvidenceKinds.Attestation:
                attributes[EventAttributes.Attestation] = body.Approved ?? true ? "approved" : "rejected";
                attributes[EventAttributes.Approver] = by!;
                break;
            case EvidenceKinds.Waiver:
                attributes[EventAttributes.Waiver] = reason!;
                attributes[EventAttributes.Approver] = by!;
                break;
            default:
                outcome = body.Passed switch { true => EventOutcomes.Success, false => EventOutcomes.Failure, null => null };
                if (body.Value is { } value)
                {
                    attributes[EventAttributes.Value] = value.ToString(CultureInfo.InvariantCulture);
                }

                break;
        }

        AddIfPresent(attributes, EventAttributes.Note, note);
        var evt = NewEvent(CanonicalEventType.GateEvidence, releaseId, outcome, attributes);
        await StoreAndRaiseAsync(evt, durable, cancellationToken);
        return ApiJson.Json(new { eventId = evt.EventId, releaseId, item = item.Id, kind }, StatusCodes.Status202Accepted);
    }

    /// <summary>Every gate item id the policy defines, in gate order.</summary>
    private IEnumerable<GateItem> GateItems() =>
        policy.QualityGates.OrderBy(g => g.Key).SelectMany(g => g.Value.Items).DistinctBy(i => i.Id, StringComparer.OrdinalIgnoreCase);

    private GateItem? FindGateItem(string id) =>
        GateItems().FirstOrDefault(i => string.Equals(i.Id, id.Trim(), StringComparison.OrdinalIgnoreCase));

    private static void CheckKindFitsItem(GateItem item, string kind, EvidenceBody body, ValidationErrors errors)
    {
        switch (kind)
        {
            case EvidenceKinds.Waiver when !item.Waivable:
                errors.Add("kind", $"'{item.Id}' may not be waived.");
                break;
            case EvidenceKinds.Attestation when item.SatisfiedBy != GateSatisfaction.Attestation:
                errors.Add("kind", $"'{item.Id}' is satisfied by evidence, not by an attestation: send kind 'evidence'.");
                break;
            case EvidenceKinds.Evidence when item.SatisfiedBy != GateSatisfaction.Evidence:
                errors.Add("kind", $"'{item.Id}' is satisfied by an attestation ({string.Join(" or ", item.AttestationRoles)}), not by evidence: send kind 'attestation'.");
                break;
            case EvidenceKinds.Evidence when body.Passed is null && body.Value is null:
                errors.Add("passed", "Evidence needs 'passed' (true or false), a measured 'value', or both.");
                break;
            case EvidenceKinds.Evidence when item.Threshold is { } threshold && body.Value is null && body.Passed != false:
                errors.Add("value", $"'{item.Id}' is measured ({(threshold.Comparison == ThresholdComparison.AtLeast ? "at least" : "at most")} {threshold.Value.ToString(CultureInfo.InvariantCulture)} {threshold.Unit}): give its 'value'.");
                break;
        }
    }

    private IResult? CheckSignedIn(HttpRequest request, string person)
    {
        if (!approvalOptions.Value.RequireSignedInApprover)
        {
            return null;
        }

        var principal = AppServicePrincipal.From(request);
        if (principal is null)
        {
            return Problems.Forbidden("Sign-in required.", "Attestations and waivers need a signed-in user (App Service authentication).");
        }

        return principal.Is(person)
            ? null
            : Problems.Forbidden("Not the person named.", "The signed-in user is not the person named in 'by'.");
    }

    /// <summary>The stored release when its orchestration is running; else the problem to answer (404 unknown, 409 not running).</summary>
    private async Task<(ReleaseRecord? Record, IResult? Problem)> RunningReleaseAsync(string releaseId, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        var record = ReleaseIds.IsValid(releaseId) ? await releases.GetAsync(releaseId, cancellationToken) : null;
        if (record is null)
        {
            return (null, Problems.NotFound("No such release.", $"There is no release '{releaseId}'."));
        }

        var instance = await durable.GetInstanceAsync(releaseId, cancellationToken);
        if (instance is null || instance.IsCompleted)
        {
            var state = instance is null ? "has no running orchestration" : $"has ended ({record.Status}: {record.StatusReason})";
            return (record, Problems.Conflict("The release is not running.", $"Release '{releaseId}' {state}."));
        }

        return (record, null);
    }

    private CanonicalEvent NewEvent(CanonicalEventType type, string releaseId, string? outcome, Dictionary<string, string> attributes) =>
        new(EventSources.EventId(EventSources.Api, Guid.NewGuid().ToString("N")), EventSources.Api, type, time.GetUtcNow(), releaseId, null, null, outcome, attributes);

    /// <summary>As the pipeline event processor does: store (for metrics and the release's record), raise, mark processed.</summary>
    private async Task StoreAndRaiseAsync(CanonicalEvent evt, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        await events.AddAsync(evt, time.GetUtcNow(), cancellationToken);
        await durable.RaiseEventAsync(evt.ReleaseId!, ReleaseEventNames.Pipeline, evt, cancellationToken);
        await events.MarkProcessedAsync(evt, EventDelivery.Raised, time.GetUtcNow(), cancellationToken);
        LogRaised(log, evt.EventId, evt.Type, evt.ReleaseId!);
    }

    private static void AddIfPresent(Dictionary<string, string> attributes, string name, string? value)
    {
        if (value is not null)
        {
            attributes[name] = value;
        }
    }

    private static string? Required(string? value, string field, string missing, int max, ValidationErrors errors)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            errors.Add(field, missing);
            return null;
        }

        return Optional(text, field, max, errors);
    }

    private static string? Optional(string? value, string field, int max, ValidationErrors errors)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (text.Length > max)
        {
            errors.Add(field, $"'{field}' must be at most {max} characters.");
            return null;
        }

        return text;
    }

    private static string? Person(string? value, string field, ValidationErrors errors)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            errors.Add(field, $"'{field}' is required: the email address of the person acting.");
            return null;
        }

        if (!LooksLikeEmail(text))
        {
            errors.Add(field, $"'{field}' must be an email address.");
            return null;
        }

        return text;
    }

    private static bool LooksLikeEmail(string value) =>
        value.Length <= 254 && value.IndexOf('@') is > 0 and var at && at < value.Length - 1 && !value.Any(char.IsWhiteSpace);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cancel of release {ReleaseId} requested by {By}")]
    private static partial void LogCancel(ILogger logger, string releaseId, string by);

    [LoggerMessage(Level = LogLevel.Information, Message = "Release {ReleaseId} rescheduled from {From} to {To} by {By}")]
    private static partial void LogReschedule(ILogger logger, string releaseId, DateOnly from, DateOnly to, string by);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored and raised manual event {EventId} ({EventType}) to release {ReleaseId}")]
    private static partial void LogRaised(ILogger logger, string eventId, CanonicalEventType eventType, string releaseId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Attestation of {Item} on release {ReleaseId} refused: the person holds none of its roles")]
    private static partial void LogRefusedAttestation(ILogger logger, string releaseId, string item);
}
