using System.Globalization;
using ReleaseManagement.Approvals;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api.Approvals;

/// <summary>
/// The lists the approval email and page show (the stage's gate verdicts, the release's scope, the decisions so far), each
/// item rendered from its own template (<c>approval-*-item.html</c>) for HTML, or as plain lines for the text email.
/// </summary>
public static class ApprovalFragments
{
    public const string NoGate = "No gate applies to this stage.";
    public const string NoScope = "No scope was given with the request.";
    public const string NoDecisions = "Nobody has decided yet.";

    public static string GatesHtml(IReadOnlyList<GateItemStatus> gates) =>
        gates.Count == 0 ? Empty(NoGate) : string.Concat(gates.Select(g => Templates.Render("approval-gate-item.html", new Dictionary<string, string?>
        {
            ["verdictClass"] = g.Verdict.ToLowerInvariant(),
            ["item"] = g.Item,
            ["verdict"] = g.Verdict,
            ["reason"] = string.IsNullOrWhiteSpace(g.Reason) ? string.Empty : $" — {g.Reason}",
        })));

    public static string GatesText(IReadOnlyList<GateItemStatus> gates) =>
        gates.Count == 0 ? $"  {NoGate}" : string.Join("\n", gates.Select(g => $"  - {g.Item}: {g.Verdict}" + (string.IsNullOrWhiteSpace(g.Reason) ? string.Empty : $" — {g.Reason}")));

    public static string ScopeHtml(ReleaseRequest release) =>
        release.Scope is not { Count: > 0 } scope ? Empty(NoScope) : string.Concat(scope.Select(s => Templates.Render("approval-scope-item.html", new Dictionary<string, string?>
        {
            ["kind"] = Kind(s.Kind),
            ["title"] = s.Title,
            ["link"] = s.Link is null ? string.Empty : Templates.Render("approval-scope-link.html", new Dictionary<string, string?> { ["href"] = s.Link }).TrimEnd('\n'),
        })));

    public static string ScopeText(ReleaseRequest release) =>
        release.Scope is not { Count: > 0 } scope ? $"  {NoScope}" : string.Join("\n", scope.Select(s => $"  - [{Kind(s.Kind)}] {s.Title}" + (s.Link is null ? string.Empty : $" ({s.Link})")));

    public static string DecisionsHtml(IReadOnlyList<ApprovalDecisionRecord> decisions) =>
        decisions.Count == 0 ? Empty(NoDecisions) : string.Concat(decisions.Select(d => Templates.Render("approval-decision-item.html", new Dictionary<string, string?>
        {
            ["approver"] = d.Approver,
            ["role"] = d.Role is null ? string.Empty : $" ({d.Role})",
            ["outcome"] = d.Approved ? "approved" : "rejected",
            ["at"] = ApprovalEmailComposer.FormatTime(d.DecidedAt),
            ["comment"] = d.Comment is null ? string.Empty : $" — “{d.Comment}”",
        })));

    public static string LinesHtml(IReadOnlyList<string> lines, string whenEmpty) =>
        lines.Count == 0 ? Empty(whenEmpty) : string.Concat(lines.Select(l => Templates.Render("approval-empty-item.html", new Dictionary<string, string?> { ["text"] = l })));

    public static string LinesText(IReadOnlyList<string> lines, string whenEmpty) =>
        lines.Count == 0 ? $"  {whenEmpty}" : string.Join("\n", lines.Select(l => $"  - {l}"));

    public static string Notes(ReleaseRequest release) => string.IsNullOrWhiteSpace(release.Notes) ? ReleaseTemplateFields.NotGiven : release.Notes;

    public static string Category(ReleaseRequest release) =>
        release.ReclassifiedFrom is { } from
            ? string.Create(CultureInfo.InvariantCulture, $"{release.EffectiveChangeCategory} (reclassified from {from}: its risk is above what a {from} change accepts)")
            : release.EffectiveChangeCategory.ToString();

    private static string Kind(ScopeKind kind) => kind.ToString().ToLowerInvariant();

    private static string Empty(string text) => Templates.Render("approval-empty-item.html", new Dictionary<string, string?> { ["text"] = text });
}
