using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api;

/// <summary>
/// The plain decision API. It validates the body (<see cref="DecisionRequestValidator"/>) and hands over to
/// <see cref="ApprovalDecisionService"/>, the same path emailed links take: the same rules on who may decide, the same
/// record in <c>ApprovalDecisions</c>, the same event.
/// </summary>
public sealed class DecisionHandlers(ApprovalDecisionService decisions)
{
    /// <summary><c>POST /api/releases/{id}/decisions</c>: 202 when the decision was delivered to the waiting release.</summary>
    public async Task<Results<Accepted<DecisionAccepted>, ProblemHttpResult>> DecideAsync(
        string releaseId, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        var (body, problem) = await ApiJson.ReadAsync<DecisionBody>(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var validation = DecisionRequestValidator.Validate(body);
        if (!validation.IsValid)
        {
            return Problems.Validation(validation.Errors, "The decision is invalid.");
        }

        var d = validation.Value!;
        var result = await decisions.DecideDirectAsync(
            releaseId, d.Stage, d.Approved, d.Approver, d.Role, d.Comment, DecisionClient.From(request), durable, cancellationToken, d.OnBehalfOf);
        if (result.Outcome == DecisionAttemptOutcome.Recorded)
        {
            return TypedResults.Accepted((string?)null, new DecisionAccepted(result.Decision!.DecisionId, releaseId, d.Stage));
        }

        return result.Outcome switch
        {
            DecisionAttemptOutcome.NotFound => Problems.UnknownRelease(releaseId),
            DecisionAttemptOutcome.Closed when result.Closure is { } closure => Problems.Conflict(
                "The approval stage is closed.",
                $"Stage '{d.Stage}' of release '{releaseId}' closed at {closure.ClosedAt:u}: {closure.Reason} Nothing was recorded."),
            DecisionAttemptOutcome.Closed => Problems.Conflict("The release is not waiting for decisions.", $"Release '{releaseId}' does not wait for decisions."),
            DecisionAttemptOutcome.NotSignedIn => Problems.Forbidden("Sign-in required.", "Decisions need a signed-in approver (App Service authentication)."),
            DecisionAttemptOutcome.WrongApprover => Problems.Forbidden("Not the approver.", "The signed-in user is not the approver named in the decision."),
            DecisionAttemptOutcome.RequesterMayNotApprove => Problems.Forbidden(
                "The requester cannot approve.", $"{d.Approver} requested release '{releaseId}' and cannot approve it (four eyes). Nothing was recorded."),
            DecisionAttemptOutcome.PersonAlreadyDecided => Problems.Forbidden(
                "Already decided by this person.",
                $"{d.Approver} already {(result.Decision!.Approved ? "approved" : "rejected")} stage '{d.Stage}' of release '{releaseId}'"
                + (result.Decision.Role is { } role ? $" as {role}" : "")
                + ": a person's decision counts for one role only, so another holder of the role must decide (four eyes). Nothing was recorded."),
            DecisionAttemptOutcome.GateFailing => Problems.Conflict(
                "An approval is not accepted while a gate fails.",
                $"Stage '{d.Stage}' of release '{releaseId}': {result.BlockedBy} Nothing was recorded; a rejection is accepted."),
            DecisionAttemptOutcome.DelegationRefused => Problems.Forbidden("No delegation.", $"{result.Refusal} Nothing was recorded."),
            DecisionAttemptOutcome.NotAnApprover => Problems.Forbidden("Not an approver of this stage.", $"{result.Refusal} Nothing was recorded."),
            _ => Problems.Conflict("The decision was not recorded.", result.Outcome.ToString()),
        };
    }
}
