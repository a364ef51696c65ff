using System.Globalization;
using Microsoft.Extensions.Options;
using ReleaseManagement.Api.Communications;
using ReleaseManagement.Approvals;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Api.Approvals;

/// <summary>
/// Renders approval emails (request, reminder, escalation) from the Liquid templates <c>approval-email.subject|html|txt</c>
/// of <see cref="NoticeTemplateStore"/> (the built-in ones, or those of <c>Communications__TemplatesPath</c>), with the
/// variables of <see cref="ApprovalEmailView"/>; the HTML part is wrapped in <c>approval-layout.html.liquid</c>.
/// </summary>
public sealed class ApprovalEmailComposer(IOptions<ApprovalOptions> options, NoticeTemplateStore templates) : IApprovalEmailComposer
{
    public const string Template = "approval-email";
    public const string Layout = "approval-layout";

    public static string LinkFor(string publicBaseUrl, string token) => $"{publicBaseUrl.TrimEnd('/')}/api/approvals/{token}";

    public static string FormatTime(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string StageName(string stage) => stage switch
    {
        ApprovalStages.Plan => "Release plan",
        _ => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(stage.Replace('-', ' ')),
    };

    public EmailMessage Compose(ApprovalEmailModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var view = ApprovalEmailView.From(model, LinkFor(options.Value.PublicBaseUrl, model.Token));
        return new EmailMessage(
            [model.Approver.Email],
            templates.RenderView(Template, "subject", view),
            templates.RenderView(Template, "html", view, Layout),
            templates.RenderView(Template, "txt", view))
        {
            Cc = model.OnBehalfOf is { Length: > 0 } owner ? [owner] : [],
        };
    }
}
