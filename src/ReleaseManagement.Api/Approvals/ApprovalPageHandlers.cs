using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using ReleaseManagement.Api.Communications;
using ReleaseManagement.Approvals;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api.Approvals;

/// <summary>
/// The pages behind an emailed approval link, <c>/api/approvals/{token}</c>. GET and HEAD only show (an email
/// scanner following or rendering the link decides nothing); a deliberate POST of the page's form, carrying its
/// anti-forgery value, decides. Pages are rendered from <c>approval-confirm.html.liquid</c> and
/// <c>approval-message.html.liquid</c> (<see cref="NoticeTemplateStore"/>). Unknown, altered, expired and used links say so without telling whether a release exists.
/// </summary>
public sealed class ApprovalPageHandlers(ApprovalDecisionService service, NoticeTemplateStore templates)
{
    public const long MaxFormBytes = 16 * 1024;
    public const string FormField = "form";

    /// <summary><c>GET</c> and <c>HEAD /api/approvals/{token}</c>: the confirmation page, or why the link no longer decides.</summary>
    public async Task<IResult> ShowAsync(string token, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        var view = await service.ViewAsync(token, durable, cancellationToken);
        if (view.State == DecisionAttemptOutcome.Recorded)
        {
            return Confirm(view, service.FormValue(view.Request!.TokenHash));
        }

        return StatePage(view.State, view.Request, isPost: false);
    }

    /// <summary><c>POST /api/approvals/{token}</c>: records the decision made on the page.</summary>
    public async Task<IResult> DecideAsync(string token, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        if (!ApprovalTokens.IsWellFormed(token))
        {
            return NotFound();
        }

        var (form, refused) = await PageForm.ReadAsync(request, MaxFormBytes, "Decisions are made with the form on the approval page.", cancellationToken);
        if (form is null)
        {
            return Message(refused!.Status, refused.Heading, refused.Text);
        }

        var hash = ApprovalTokens.Hash(token);
        if (!service.IsValidFormValue(hash, form[FormField]))
        {
            // Also what an unknown token gets: the value is bound to the token, so no valid value exists for it.
            var view = await service.ViewAsync(token, durable, cancellationToken);
            return view.State == DecisionAttemptOutcome.NotFound
                ? NotFound()
                : Message(StatusCodes.Status400BadRequest, "Please use the approval page", "This decision did not come from the approval page. Open the link from your email again and use its buttons.");
        }

        bool? approved = form["decision"].ToString() switch
        {
            "approve" => true,
            "reject" => false,
            _ => null,
        };
        if (approved is null)
        {
            return Message(StatusCodes.Status400BadRequest, "No decision", "Choose Approve or Reject on the approval page.");
        }

        var comment = form["comment"].ToString();
        if (comment.Length > ApprovalDecisionService.MaxCommentLength)
        {
            return Message(StatusCodes.Status400BadRequest, "Comment too long", $"The comment must be at most {ApprovalDecisionService.MaxCommentLength} characters. Go back to shorten it.");
        }

        var result = await service.DecideByLinkAsync(token, approved.Value, comment, DecisionClient.From(request), durable, cancellationToken);
        switch (result.Outcome)
        {
            case DecisionAttemptOutcome.Recorded:
                var d = result.Decision!;
                return Message(
                    StatusCodes.Status200OK,
                    d.Approved ? "Approved" : "Rejected",
                    $"Thank you. Your {(d.Approved ? "approval" : "rejection")}{(d.OnBehalfOf is { } owner ? $" for {owner}" : "")} of the {ApprovalEmailComposer.StageName(d.Stage).ToLowerInvariant()} stage of release '{result.Release!.Request.Title}' ({d.ReleaseId}) was recorded at {ApprovalEmailComposer.FormatTime(d.DecidedAt)}.");
            case DecisionAttemptOutcome.NotSignedIn:
                return Message(StatusCodes.Status403Forbidden, "Sign-in required", "Sign in as the approver this link was sent to, then open the link again.");
            case DecisionAttemptOutcome.WrongApprover:
                return Message(StatusCodes.Status403Forbidden, "Not your link", "You are signed in as someone other than the approver this link was sent to. Nothing was recorded.");
            case DecisionAttemptOutcome.RequesterMayNotApprove:
                return Message(StatusCodes.Status403Forbidden, "You requested this release", "The person who requested a release cannot approve it. Nothing was recorded.");
            case DecisionAttemptOutcome.PersonAlreadyDecided:
                return Message(StatusCodes.Status403Forbidden, "You already decided this stage",
                    "You already decided this stage, perhaps for another role you hold: a person's decision counts for one role only, so another holder of the role must decide. Nothing was recorded.");
            case DecisionAttemptOutcome.GateFailing:
                return Message(StatusCodes.Status409Conflict, "Approval not accepted", $"An approval is not accepted now: {result.BlockedBy} Nothing was recorded; you may still reject.");
            case DecisionAttemptOutcome.DelegationRefused:
                return Message(StatusCodes.Status403Forbidden, "The delegation no longer runs", $"{result.Refusal} Nothing was recorded.");
            default:
                return StatePage(result.Outcome, result.Request, isPost: true);
        }
    }

    private IResult StatePage(DecisionAttemptOutcome state, ApprovalRequest? request, bool isPost) => state switch
    {
        DecisionAttemptOutcome.AlreadyDecided => Message(
            isPost ? StatusCodes.Status409Conflict : StatusCodes.Status200OK,
            "Already decided",
            $"This link was already used: {(request!.Approved == true ? "approved" : "rejected")} by {request.DecidedBy} at {ApprovalEmailComposer.FormatTime(request.DecidedAt ?? default)}. Each link decides once."),
        DecisionAttemptOutcome.Expired => Message(
            StatusCodes.Status410Gone,
            "Link expired",
            $"This approval link expired at {ApprovalEmailComposer.FormatTime(request!.ExpiresAt)}. Nothing can be decided with it any more."),
        DecisionAttemptOutcome.Closed => Message(
            StatusCodes.Status410Gone,
            "Stage closed",
            $"This approval stage is closed: {request?.ClosedReason ?? "the release no longer waits for decisions."} Nothing can be decided with this link any more."),
        _ => NotFound(),
    };

    private IResult NotFound() =>
        Message(StatusCodes.Status404NotFound, "Link not valid", "This approval link is not valid. Check that the whole link from the email was opened.");

    private IResult Message(int status, string heading, string text) =>
        new HtmlPage(templates, status, heading, "approval-message", new ApprovalMessageView(heading, text));

    private IResult Confirm(LinkView view, string formValue)
    {
        var r = view.Request!;
        var release = view.Release!;
        var pending = release.PendingApprovals?.FirstOrDefault(p => p.Stage == r.Stage);
        var page = new ApprovalConfirmView(
            ApprovalEmailComposer.StageName(r.Stage),
            r.Role,
            release.Phase.ToString(),
            r.Approver,
            ApprovalEmailComposer.FormatTime(r.ExpiresAt),
            release.Risk ?? "(not assessed yet)",
            ApprovalReleaseView.From(release.Request, release.Warnings),
            GateItemView.From(pending?.Gates ?? []),
            DecisionView.From(view.Decisions),
            ApprovalDecisionService.BlockedBy(release, r.Stage) ?? string.Empty,
            FormField,
            formValue,
            ApprovalDecisionService.MaxCommentLength);
        return new HtmlPage(templates, StatusCodes.Status200OK, $"Approve: {release.Request.Title}", "approval-confirm", page);
    }
}
