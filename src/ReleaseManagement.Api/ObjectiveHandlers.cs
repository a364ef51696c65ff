using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Objectives;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api;

/// <summary>The body of <c>POST /api/releases/{id}/objectives/{objective}</c>.</summary>
public sealed record ObjectiveAttestationBody
{
    public bool? Met { get; init; }
    public string? Note { get; init; }
    public string? By { get; init; }
}

/// <summary>One objective of <c>GET /api/releases/{id}/objectives</c>.</summary>
public sealed record ObjectiveView(string Id, string Description, string Target, string State, IReadOnlyList<ObjectiveVerdictView> Verdicts, IReadOnlyList<string> Pending)
{
    public static ObjectiveView Of(ObjectiveStanding s) => new(
        s.Objective.Id, s.Objective.Description, s.Target, s.State,
        s.Verdicts.Select(v => new ObjectiveVerdictView(v.Checkpoint, v.Verdict, v.Value, v.Reason, v.By, v.At)).ToArray(), s.Pending);
}

public sealed record ObjectiveVerdictView(string Checkpoint, string Verdict, decimal? Value, string Reason, string? By, DateTimeOffset At);

/// <summary>
/// A release's business objectives (issue 27, point 2; docs/api.md): <c>GET /api/releases/{id}/objectives</c> lists each with
/// its verdicts and what it still waits for; <c>POST /api/releases/{id}/objectives/{objective}</c> records a person's
/// attestation of an attested objective, by a holder of its role, once the release is completed. Refusals change nothing.
/// </summary>
public sealed partial class ObjectiveHandlers(
    IReleaseStore releases, ReleasePolicies policies, ObjectiveService objectives, IOptions<ApprovalOptions> options, ILogger<ObjectiveHandlers> log)
{
    public const int MaxNoteLength = 2000;

    public async Task<IResult> ListAsync(string id, CancellationToken cancellationToken)
    {
        if (await releases.GetAsync(id, cancellationToken) is not { } record)
        {
            return Problems.UnknownRelease(id);
        }

        var standings = await objectives.StandingsAsync(record, await policies.ForAsync(record, cancellationToken), cancellationToken);
        return ApiJson.Json(new { releaseId = id, objectives = standings.Select(ObjectiveView.Of).ToArray() });
    }

    public async Task<IResult> AttestAsync(string id, string objectiveId, HttpRequest request, CancellationToken cancellationToken)
    {
        var (body, problem) = await ApiJson.ReadAsync<ObjectiveAttestationBody>(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        if (body?.Met is null)
        {
            errors.Add("met", "Say whether the objective was met: true or false.");
        }

        var by = body?.By?.Trim();
        if (string.IsNullOrEmpty(by) || !EmailAddresses.IsValid(by))
        {
            errors.Add("by", "Who attests it is required: an email address.");
        }

        if (body?.Note is { Length: > MaxNoteLength })
        {
            errors.Add("note", $"The note must be at most {MaxNoteLength} characters.");
        }

        if (errors.Any)
        {
            return Problems.Validation(errors.ToDictionary(), "The attestation is invalid.");
        }

        if (await releases.GetAsync(id, cancellationToken) is not { } record)
        {
            return Problems.UnknownRelease(id);
        }

        if (record.Request.Objectives?.FirstOrDefault(o => string.Equals(o.Id, objectiveId, StringComparison.OrdinalIgnoreCase)) is not { } objective)
        {
            return Problems.NotFound("Objective not found.", $"Release '{id}' has no objective '{objectiveId}'.");
        }

        if (objective.IsMeasured)
        {
            return Problems.BadRequest("Measured objective.", $"Objective '{objective.Id}' is measured from Azure Monitor ({objective.Measure}); only an objective with attestedBy is attested.");
        }

        var principal = AppServicePrincipal.From(request);
        if (SignedInPerson.Refusal(options.Value, principal, by!, "Attesting an objective needs a signed-in person (App Service authentication).") is { } unsigned)
        {
            return unsigned;
        }

        var policy = await policies.ForAsync(record, cancellationToken);
        var people = ApproverDirectory.WithClaimedRoles(ApproverDirectory.Resolve(policy, record.Request.Systems, record.Request.Approvers), by!, Auth.ClaimedRoles.Of(policy, principal, by!));
        if (ApproverDirectory.RolesOf(people, [objective.AttestedBy!], by!).Count == 0)
        {
            LogRefused(log, id, objective.Id, by!);
            return Problems.Forbidden("Not allowed to attest this objective.", $"{by} does not hold the role '{objective.AttestedBy}' that attests objective '{objective.Id}' of release '{id}'.");
        }

        if (record.Status != ReleaseStatus.Completed)
        {
            return Problems.Conflict("Not completed.", $"Release '{id}' is {record.Status}: business objectives are judged once a release is completed.");
        }

        if (!await objectives.AttestAsync(id, objective, body!.Met!.Value, body.Note, by!, principal?.Name, cancellationToken))
        {
            return Problems.Conflict("Already attested.", $"Objective '{objective.Id}' of release '{id}' already has its attestation; it stands (see GET /api/releases/{id}/objectives).");
        }

        var standings = await objectives.StandingsAsync(record, policy, cancellationToken);
        return ApiJson.Json(ObjectiveView.Of(standings.Single(s => s.Objective.Id == objective.Id)));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Release {ReleaseId}: attestation of objective {Objective} refused to {By}")]
    private static partial void LogRefused(ILogger logger, string releaseId, string objective, string by);
}
