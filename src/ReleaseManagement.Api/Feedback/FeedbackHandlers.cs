using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Api.Communications;
using ReleaseManagement.Approvals;
using ReleaseManagement.Feedback;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Api.Feedback;

/// <summary>
/// The feedback links' pages, <c>/api/feedback/{token}</c>, and a release's satisfaction,
/// <c>GET /api/releases/{id}/feedback</c>. Safe against link scanners exactly as the approval links are: GET and HEAD only
/// show the form (a scanner following or rendering the link records nothing); a POST of the page's form, carrying the
/// anti-forgery value bound to the link, records the answer, once per link. Unknown and altered links say so without
/// telling whether a release exists.
/// </summary>
public sealed partial class FeedbackHandlers(
    IFeedbackStore store, FeedbackLinks links, IReleaseStore releases, ReleasePolicies policies, NoticeTemplateStore templates,
    IOptions<ApprovalOptions> approvals, TimeProvider time, ILogger<FeedbackHandlers> log)
{
    public const long MaxFormBytes = 16 * 1024;
    public const string FormField = "form";

    /// <summary>The pages' header bar (the approval pages' layout, <see cref="HtmlPage"/>).</summary>
    public const string Header = "Release feedback";

    private static readonly IReadOnlyList<RatingOption> Ratings =
        [new(1, "1 – poor"), new(2, "2 – fair"), new(3, "3 – good"), new(4, "4 – very good"), new(5, "5 – excellent")];

    /// <summary><c>GET</c> and <c>HEAD</c>: the rating form, or why the link takes no answer.</summary>
    public async Task<IResult> ShowAsync(string token, CancellationToken cancellationToken)
    {
        var link = ApprovalTokens.IsWellFormed(token) ? await store.GetAsync(ApprovalTokens.Hash(token), cancellationToken) : null;
        if (link is null)
        {
            return NotFound();
        }

        if (link.Answered)
        {
            return Answered(link, StatusCodes.Status200OK);
        }

        var id = link.ReleaseId;
        var record = await releases.GetAsync(id, cancellationToken);
        var request = record?.Request;
        var view = new FeedbackFormView(
            id, request?.Title ?? id, request?.Type.ToString() ?? string.Empty, request is null ? string.Empty : string.Join(", ", request.Systems),
            record is null ? string.Empty : $"{record.Status}, {record.StatusReason?.TrimEnd('.')}", link.Recipient,
            FormField, links.FormValue(link.TokenHash), FeedbackRules.MaxCommentLength, Ratings);
        return new HtmlPage(templates, StatusCodes.Status200OK, $"Feedback: {view.ReleaseTitle}", "feedback-form", view, Header);
    }

    /// <summary><c>POST</c>: records the rating and comment made on the page.</summary>
    public async Task<IResult> AnswerAsync(string token, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!ApprovalTokens.IsWellFormed(token))
        {
            return NotFound();
        }

        var (form, refused) = await PageForm.ReadAsync(request, MaxFormBytes, "Feedback is given with the form on the feedback page.", cancellationToken);
        if (form is null)
        {
            return Message(refused!.Status, refused.Heading, refused.Text);
        }

        var hash = ApprovalTokens.Hash(token);
        var link = await store.GetAsync(hash, cancellationToken);
        if (link is null)
        {
            return NotFound();
        }

        if (!links.IsValidFormValue(hash, form[FormField]))
        {
            return Message(StatusCodes.Status400BadRequest, "Please use the feedback page", "This answer did not come from the feedback page. Open the link from your email again and use its form.");
        }

        int? rating = int.TryParse(form["rating"].ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var r) ? r : null;
        var comment = form["comment"].ToString().Trim();
        if (FeedbackRules.Problem(rating, comment) is { } problem)
        {
            return Message(StatusCodes.Status400BadRequest, "Not recorded", $"{problem} Go back to the form to correct it; nothing was recorded.");
        }

        var id = link.ReleaseId;
        var outcome = await store.AnswerAsync(hash, rating!.Value, comment.Length == 0 ? null : comment, time.GetUtcNow(), cancellationToken);
        switch (outcome)
        {
            case FeedbackAnswerOutcome.Recorded:
                LogAnswered(log, id, rating.Value);
                return Message(StatusCodes.Status200OK, "Thank you", $"Your rating of {rating} out of 5 for release '{id}' was recorded.");
            case FeedbackAnswerOutcome.AlreadyAnswered:
                return Answered((await store.GetAsync(hash, cancellationToken))!, StatusCodes.Status409Conflict);
            default:
                return NotFound();
        }
    }

    /// <summary><c>GET /api/releases/{id}/feedback</c>: the count, mean, distribution and verdict; the comments for its release managers.</summary>
    public async Task<IResult> SummaryAsync(string id, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var record = await releases.GetAsync(id, cancellationToken);
        if (record is null)
        {
            return Problems.NotFound("Release not found.", $"No release '{id}'.");
        }

        var policy = await policies.ForAsync(record, cancellationToken);
        var all = await store.ListAsync(id, cancellationToken);
        var summary = SatisfactionSummary.Of(all, policy.SuccessCriteria);
        var comments = ReadsComments(request, policy, record)
            ? all.Where(l => l.Comment is not null).OrderBy(l => l.AnsweredAt).Select(l => new FeedbackComment(l.Rating!.Value, l.Comment!, l.AnsweredAt!.Value)).ToArray()
            : null;
        return ApiJson.Json(new FeedbackSummaryResponse(
            id, summary.Asked, summary.Responses, summary.Mean,
            summary.Distribution.Select((n, i) => (Rating: (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), n)).ToDictionary(x => x.Rating, x => x.n),
            summary.Verdict, summary.Target, summary.MinResponses, comments));
    }

    /// <summary>The release page's satisfaction section, by the same rule as <see cref="SummaryAsync"/>.</summary>
    public async Task<Dashboard.SatisfactionView> ViewAsync(Releases.ReleaseRecord record, ReleasePolicy policy, HttpRequest request, Dashboard.DisplayFormat format, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(policy);
        var all = await store.ListAsync(record.Request.Id, cancellationToken);
        return Dashboard.SatisfactionView.Of(SatisfactionSummary.Of(all, policy.SuccessCriteria), all, ReadsComments(request, policy, record), format);
    }

    /// <summary>
    /// Whether the caller reads the comments: the release's release managers (policy-wide, of its systems, named by it, or
    /// granted by the signed-in person's claims). Without sign-in (the local host) everyone does.
    /// </summary>
    public bool ReadsComments(HttpRequest request, ReleasePolicy policy, Releases.ReleaseRecord record)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(record);
        if (!approvals.Value.RequireSignedInApprover)
        {
            return true;
        }

        if (AppServicePrincipal.From(request) is not { } principal)
        {
            return false;
        }

        var people = ApproverDirectory.Resolve(policy, record.Request.Systems, record.Request.Approvers);
        return principal.Identities.Any(person => ApproverDirectory.RolesOf(
            ApproverDirectory.WithClaimedRoles(people, person, Auth.ClaimedRoles.Of(policy, principal, person)), [PolicyRoles.ReleaseManager], person).Count > 0);
    }

    private IResult Answered(FeedbackLink link, int status) => Message(status, "Already answered",
        $"This link was already used: rated {link.Rating} out of 5 at {ApprovalEmailComposer.FormatTime(link.AnsweredAt ?? default)}. Each link takes one answer.");

    private IResult NotFound() =>
        Message(StatusCodes.Status404NotFound, "Link not valid", "This feedback link is not valid. Check that the whole link from the email was opened.");

    private IResult Message(int status, string heading, string text) =>
        new HtmlPage(templates, status, heading, "approval-message", new ApprovalMessageView(heading, text), Header);

    [LoggerMessage(Level = LogLevel.Information, Message = "Release {ReleaseId}: feedback recorded, rating {Rating}")]
    private static partial void LogAnswered(ILogger logger, string releaseId, int rating);
}
