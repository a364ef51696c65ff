using System.Globalization;
using Microsoft.Extensions.Options;
using ReleaseManagement.Approvals;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Api.Approvals;

/// <summary>Renders approval emails from <c>Templates/approval-email.*</c>.</summary>
public sealed class ApprovalEmailComposer(IOptions<ApprovalOptions> options) : IApprovalEmailComposer
{
    public static string LinkFor(string publicBaseUrl, string token) => $"{publicBaseUrl.TrimEnd('/')}/api/approvals/{token}";

    public static string FormatTime(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string StageName(string stage) => stage switch
    {
        ApprovalStages.Plan => "Release plan",
        _ => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(stage.Replace('-', ' ')),
    };

    public EmailMessage Compose(ApprovalEmailModel model)
    {
        var release = model.Release;
        var link = LinkFor(options.Value.PublicBaseUrl, model.Token);
        var (tag, intro) = model.Kind switch
        {
            ApprovalKind.Reminder => ("Reminder", "This is a reminder: your decision is still needed."),
            ApprovalKind.Escalation => ("Escalation", "The deadline for this decision has been reached without a decision; it is escalated to you."),
            _ => ("Approval needed", "Your decision is needed."),
        };
        var values = ReleaseTemplateFields.For(release);
        values["tag"] = tag;
        values["intro"] = intro;
        values["stage"] = StageName(model.Stage);
        values["role"] = model.Approver.Role;
        values["risk"] = string.IsNullOrWhiteSpace(model.Risk) ? "(not assessed)" : model.Risk;
        values["gateSummary"] = string.IsNullOrWhiteSpace(model.GateSummary) ? "(none yet)" : model.GateSummary;
        values["deadline"] = FormatTime(model.Deadline);
        values["link"] = link;
        values["changeCategory"] = ApprovalFragments.Category(release);
        values["notes"] = ApprovalFragments.Notes(release);
        values["blocked"] = model.ApproveBlockedBy is null
            ? "Approve or reject on the page."
            : $"An approval is not accepted now: {model.ApproveBlockedBy} You may still reject.";

        // The lists differ per format: HTML items from their templates, plain lines for the text part.
        var html = new Dictionary<string, string?>(values, StringComparer.Ordinal)
        {
            ["gates"] = ApprovalFragments.GatesHtml(model.Gates),
            ["scope"] = ApprovalFragments.ScopeHtml(release),
            ["decided"] = ApprovalFragments.LinesHtml(model.DecidedSoFar, ApprovalFragments.NoDecisions),
        };
        var text = new Dictionary<string, string?>(values, StringComparer.Ordinal)
        {
            ["gates"] = ApprovalFragments.GatesText(model.Gates),
            ["scope"] = ApprovalFragments.ScopeText(release),
            ["decided"] = ApprovalFragments.LinesText(model.DecidedSoFar, ApprovalFragments.NoDecisions),
        };

        var subject = Templates.Render("approval-email.subject.txt", values).Trim();
        return new EmailMessage(
            [model.Approver.Email],
            subject,
            Templates.Render("approval-email.html", html),
            Templates.Render("approval-email.txt", text));
    }
}
