using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Approvals;
using ApprovalStageKeys = ReleaseManagement.Policy.ApprovalStageKeys;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api;

/// <summary>The body of <c>POST /api/releases/{id}/decisions</c>.</summary>
public sealed class DecisionBody
{
    public string? Stage { get; set; }
    public string? Decision { get; set; }
    public string? Approver { get; set; }
    public string? Role { get; set; }
    public string? Comment { get; set; }
}

/// <summary>
/// The plain decision API. It validates the body and hands over to <see cref="ApprovalDecisionService"/>, the same
/// path emailed links take: the same rules on who may decide, the same record in <c>ApprovalDecisions</c>, the same event.
/// </summary>
public sealed class DecisionHandlers(ApprovalDecisionService decisions)
{
    public const int MaxCommentLength = ApprovalDecisionService.MaxCommentLength;
    public const int MaxRoleLength = 100;

    /// <summary>Every approval stage the policy defines rules for: plan, the three promotions, and emergency.</summary>
    private static readonly IReadOnlyList<string> KnownStages = ApprovalStageKeys.All;

    /// <summary><c>POST /api/releases/{id}/decisions</c>: 202 when the decision was delivered to the waiting release.</summary>
    public async Task<IResult> DecideAsync(string releaseId, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        var (body, problem) = await ApiJson.ReadAsync<DecisionBody>(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        var stage = body!.Stage?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(stage))
        {
            errors.Add("stage", "The stage is required.");
        }
        else if (!KnownStages.Contains(stage))
        {
            errors.Add("stage", $"'{body.Stage}' is not an approval stage: use one of {string.Join(", ", KnownStages)}.");
        }

        bool? approved = body.Decision?.Trim().ToLowerInvariant() switch
        {
            "approve" or "approved" => true,
            "reject" or "rejected" => false,
            _ => null,
        };
        if (approved is null)
        {
            errors.Add("decision", "The decision must be 'approve' or 'reject'.");
        }

        var approver = body.Approver?.Trim();
        if (string.IsNullOrEmpty(approver))
        {
            errors.Add("approver", "The approver is required.");
        }
        else if (!EmailAddresses.IsValid(approver))
        {
            errors.Add("approver", "The approver must be an email address.");
        }

        var role = body.Role?.Trim();
        if (role is { Length: > MaxRoleLength })
        {
            errors.Add("role", $"The role must be at most {MaxRoleLength} characters.");
        }

        if (body.Comment is { Length: > MaxCommentLength })
        {
            errors.Add("comment", $"The comment must be at most {MaxCommentLength} characters.");
        }

        if (errors.Any)
        {
            return Problems.Validation(errors.ToDictionary(), "The decision is invalid.");
        }

        var result = await decisions.DecideDirectAsync(
            releaseId, stage!, approved!.Value, approver!, role, body.Comment, DecisionClient.From(request), durable, cancellationToken);
        return result.Outcome switch
        {
            DecisionOutcome.Recorded => ApiJson.Json(
                new { decisionId = result.Decision!.DecisionId, releaseId, stage }, StatusCodes.Status202Accepted),
            DecisionOutcome.NotFound => Problems.NotFound("No such release.", $"There is no release '{releaseId}'."),
            DecisionOutcome.Closed when result.Closure is { } closure => Problems.Conflict(
                "The approval stage is closed.",
                $"Stage '{stage}' of release '{releaseId}' closed at {closure.ClosedAt:u}: {closure.Reason} Nothing was recorded."),
            DecisionOutcome.Closed => Problems.Conflict("The release is not waiting for decisions.", $"Release '{releaseId}' does not wait for decisions."),
            DecisionOutcome.NotSignedIn => Problems.Forbidden("Sign-in required.", "Decisions need a signed-in approver (App Service authentication)."),
            DecisionOutcome.WrongApprover => Problems.Forbidden("Not the approver.", "The signed-in user is not the approver named in the decision."),
            DecisionOutcome.RequesterMayNotApprove => Problems.Forbidden("The requester cannot approve.", "The person who requested a release cannot approve it."),
            _ => Problems.Conflict("The decision was not recorded.", result.Outcome.ToString()),
        };
    }
}
