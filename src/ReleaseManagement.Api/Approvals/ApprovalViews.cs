using System.Globalization;
using ReleaseManagement.Approvals;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api.Approvals;

/// <summary>
/// The release as the approval email and page show it (template variable <c>release</c>). Every text is given (empty
/// rather than null), so templates test <c>!= ""</c>.
/// </summary>
/// <param name="RequestedBy">The requester, or "(not given)".</param>
/// <param name="ChangeCategory">The effective change category, and what it was reclassified from and why.</param>
/// <param name="Notes">The planning notes, or "(not given)".</param>
/// <param name="Warnings">The release's current warnings (<see cref="ReleaseRecord.Warnings"/>), oldest first.</param>
public sealed record ApprovalReleaseView(
    string Id,
    string Title,
    string Type,
    string Systems,
    string TargetDate,
    string RequestedBy,
    string ChangeCategory,
    string Notes,
    IReadOnlyList<ScopeItemView> Scope,
    IReadOnlyList<WarningView> Warnings)
{
    public const string NotGiven = "(not given)";

    public static ApprovalReleaseView From(ReleaseRequest release, IReadOnlyList<ReleaseWarning>? warnings)
    {
        ArgumentNullException.ThrowIfNull(release);
        return new(
            release.Id,
            release.Title,
            release.Type.ToString(),
            string.Join(", ", release.Systems),
            release.TargetDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            release.RequestedBy ?? NotGiven,
            release.ReclassifiedFrom is { } from
                ? string.Create(CultureInfo.InvariantCulture, $"{release.EffectiveChangeCategory} (reclassified from {from}: its risk is above what a {from} change accepts)")
                : release.EffectiveChangeCategory.ToString(),
            string.IsNullOrWhiteSpace(release.Notes) ? NotGiven : release.Notes,
            (release.Scope ?? []).Select(s => new ScopeItemView(s.Kind.ToString().ToLowerInvariant(), s.Title, s.Link ?? string.Empty)).ToArray(),
            (warnings ?? []).OrderBy(w => w.At).Select(w => new WarningView(w.Code, w.Message)).ToArray());
    }
}

/// <summary>A scope item: <c>kind</c> (feature, fix, security, configuration, ... in lower case), <c>title</c>, <c>link</c> ("" when none).</summary>
public sealed record ScopeItemView(string Kind, string Title, string Link);

/// <summary>A release warning: its <c>code</c> (e.g. <c>missing-health-data</c>) and <c>message</c>.</summary>
public sealed record WarningView(string Code, string Message);

/// <summary>A gate item of the stage: <c>item</c>, <c>verdict</c> (Passed, Failed, Waived, Pending), <c>verdictClass</c> (the verdict in lower case), <c>reason</c> ("" when none).</summary>
public sealed record GateItemView(string Item, string Verdict, string VerdictClass, string Reason)
{
    public static IReadOnlyList<GateItemView> From(IReadOnlyList<GateItemStatus> gates) =>
        gates.Select(g => new GateItemView(g.Item, g.Verdict, g.Verdict.ToLowerInvariant(), g.Reason ?? string.Empty)).ToArray();
}

/// <summary>
/// The variables of the approval email templates (<c>approval-email.subject|html|txt.liquid</c> and the HTML layout
/// <c>approval-layout.html.liquid</c>); docs/approvals.md lists them.
/// </summary>
/// <param name="Kind">Request, Reminder or Escalation.</param>
/// <param name="Tag">"Approval needed", "Reminder" or "Escalation".</param>
/// <param name="Intro">The opening sentence for the kind.</param>
/// <param name="Stage">The stage in words ("Release plan", "Promotion:integration", ...).</param>
/// <param name="Role">The role the approver decides as.</param>
/// <param name="Risk">The release's risk, or "(not assessed)".</param>
/// <param name="GateSummary">A line on the stage's gate verdicts, or "(none yet)".</param>
/// <param name="Deadline">When the link expires (UTC).</param>
/// <param name="Link">The approver's personal one-time link to the approval page.</param>
/// <param name="ApproveBlockedBy">Why an approval is not accepted now (a failing gate), or "".</param>
/// <param name="Decided">Who has decided the stage so far, one line each.</param>
public sealed record ApprovalEmailView(
    string Kind,
    string Tag,
    string Intro,
    string Stage,
    string Role,
    string Risk,
    string GateSummary,
    string Deadline,
    string Link,
    string ApproveBlockedBy,
    ApprovalReleaseView Release,
    IReadOnlyList<GateItemView> Gates,
    IReadOnlyList<string> Decided)
{
    public static ApprovalEmailView From(ApprovalEmailModel model, string link)
    {
        ArgumentNullException.ThrowIfNull(model);
        var (tag, intro) = model.Kind switch
        {
            ApprovalKind.Reminder => ("Reminder", "This is a reminder: your decision is still needed."),
            ApprovalKind.Escalation => ("Escalation", "The deadline for this decision has been reached without a decision; it is escalated to you."),
            _ => ("Approval needed", "Your decision is needed."),
        };
        if (model.OnBehalfOf is { Length: > 0 } owner)
        {
            intro += $" You are asked as the delegate of {owner}, who delegated this role to you while away (they receive a copy); your decision is recorded as yours for {owner}.";
        }

        return new(
            model.Kind.ToString(),
            tag,
            intro,
            ApprovalEmailComposer.StageName(model.Stage),
            model.OnBehalfOf is { Length: > 0 } o ? $"{model.Approver.Role} (for {o})" : model.Approver.Role,
            string.IsNullOrWhiteSpace(model.Risk) ? "(not assessed)" : model.Risk,
            string.IsNullOrWhiteSpace(model.GateSummary) ? "(none yet)" : model.GateSummary,
            ApprovalEmailComposer.FormatTime(model.Deadline),
            link,
            model.ApproveBlockedBy ?? string.Empty,
            ApprovalReleaseView.From(model.Release, model.Warnings),
            GateItemView.From(model.Gates),
            model.DecidedSoFar);
    }
}

/// <summary>A decision on the stage: <c>approver</c>, <c>role</c> ("" when none), <c>outcome</c> (approved, rejected), <c>at</c> (UTC), <c>comment</c> ("" when none).</summary>
public sealed record DecisionView(string Approver, string Role, string Outcome, string At, string Comment)
{
    public static IReadOnlyList<DecisionView> From(IReadOnlyList<ApprovalDecisionRecord> decisions) =>
        decisions.Select(d => new DecisionView(d.DecidedBy, d.Role ?? string.Empty, d.Approved ? "approved" : "rejected", ApprovalEmailComposer.FormatTime(d.DecidedAt), d.Comment ?? string.Empty)).ToArray();
}

/// <summary>
/// The variables of the approval page (<c>approval-confirm.html.liquid</c> inside <c>approval-page.html.liquid</c>,
/// which also gets <c>title</c> and <c>nonce</c>); docs/approvals.md lists them.
/// </summary>
/// <param name="ApproveBlockedBy">Why an approval is not accepted now: the page then has no Approve button; "" otherwise.</param>
/// <param name="FormField">The name of the form's anti-forgery field.</param>
/// <param name="FormValue">Its value, bound to this link.</param>
/// <param name="MaxComment">The longest comment accepted.</param>
public sealed record ApprovalConfirmView(
    string Stage,
    string Role,
    string Phase,
    string Approver,
    string Deadline,
    string Risk,
    ApprovalReleaseView Release,
    IReadOnlyList<GateItemView> Gates,
    IReadOnlyList<DecisionView> Decisions,
    string ApproveBlockedBy,
    string FormField,
    string FormValue,
    int MaxComment);

/// <summary>The variables of <c>approval-message.html.liquid</c>, the page saying what happened or why a link does not decide.</summary>
public sealed record ApprovalMessageView(string Heading, string Message);
