using Microsoft.Extensions.Options;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Communications;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Api.Communications;

/// <summary>
/// Renders a templated notice: subject, HTML and plain-text parts from <see cref="NoticeTemplateStore"/> with the
/// variables of <see cref="NoticeModel"/>, and its attachments: the release notes (Markdown) and the production window
/// as an iCalendar invite (<see cref="ReleaseInvite"/>), all with the policy the release runs under (<see cref="NoticeContext.Policy"/>).
/// </summary>
public sealed partial class NoticeComposer(NoticeTemplateStore templates, IOptions<ApprovalOptions> approvals, IOptions<Azure.Email.EmailOptions> email) : INoticeComposer
{
    public EmailMessage Compose(NoticeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var notice = context.Notice;
        var policy = context.Policy;
        var name = notice.Template ?? "notice";
        var model = NoticeModel.Build(context, approvals.Value.PublicBaseUrl);
        var attachments = new List<EmailAttachment>();
        if (notice.AttachNotes && context.Release is { } record)
        {
            attachments.Add(new EmailAttachment($"release-notes-{record.Request.Id}.md", "text/markdown; charset=utf-8",
                ReleaseNotes.Markdown(record, context.Events, context.Timeline, PolicyTime.Zone(policy))));
        }

        if (notice.AttachInvite && context.Release is { } release)
        {
            var method = notice.CancelInvite ? "CANCEL" : "REQUEST";
            attachments.Add(new EmailAttachment("invite.ics", $"text/calendar; charset=utf-8; method={method}",
                ReleaseInvite.Create(policy, release.Request, notice.Recipients,
                    MimeKit.MailboxAddress.TryParse(email.Value.From, out var from) ? from.Address : string.Empty, notice.InviteSequence, notice.CancelInvite, approvals.Value.PublicBaseUrl)));
        }

        var subject = templates.Render(name, "subject", model);
        var html = templates.Render(name, "html", model);
        var text = templates.Render(name, "txt", model);
        if (notice.Facts?.GetValueOrDefault(Activities.NoticeFacts.LateDue) is { } due
            && DateTimeOffset.TryParse(due, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var dueAt))
        {
            // Sent late (a release requested after this notice was due): every template says so the same way.
            var line = $"This notice is late: it was due {PolicyTime.DescribeLocal(PolicyTime.Zone(policy), dueAt)}, before the release was requested.";
            subject = "(late) " + subject;
            text = line + "\n\n" + text;
            html = LateBanner().Replace(html, m => m.Value + $"<p role=\"note\"><strong>{System.Net.WebUtility.HtmlEncode(line)}</strong></p>", 1);
        }

        return new EmailMessage(notice.Recipients, subject, html, text) { Attachments = attachments };
    }

    [System.Text.RegularExpressions.GeneratedRegex("<body[^>]*>", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex LateBanner();
}
