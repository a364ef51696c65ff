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
public sealed class NoticeComposer(NoticeTemplateStore templates, IOptions<ApprovalOptions> approvals, IOptions<Azure.Email.EmailOptions> email) : INoticeComposer
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
                ReleaseNotes.Markdown(record, context.Events, context.Timeline, PolicyTime.Zone(policy), policy)));
        }

        var organizer = MimeKit.MailboxAddress.TryParse(email.Value.From, out var from) ? from.Address : string.Empty;
        if (notice.AttachInvite && context.Release is { } release)
        {
            var method = notice.CancelInvite ? "CANCEL" : "REQUEST";
            attachments.Add(new EmailAttachment("invite.ics", $"text/calendar; charset=utf-8; method={method}",
                ReleaseInvite.Create(policy, release.Request, notice.Recipients, organizer, notice.InviteSequence, notice.CancelInvite, approvals.Value.PublicBaseUrl)));
        }

        if (notice.Meeting is { } meeting && context.Release is { } meetingRelease)
        {
            attachments.Add(new EmailAttachment("meeting.ics", $"text/calendar; charset=utf-8; method={(meeting.Cancelled ? "CANCEL" : "REQUEST")}",
                ReleaseInvite.Meeting(policy, meetingRelease.Request, meeting, notice.Recipients, organizer, approvals.Value.PublicBaseUrl)));
        }

        // A notice sent late says so in its subject too (its body says it in the layout: NoticeModel's notice.late).
        var subject = templates.Render(name, "subject", model);
        if (notice.Facts?.ContainsKey(Activities.NoticeFacts.LateDue) == true)
        {
            subject = "(late) " + subject;
        }

        return new EmailMessage(notice.Recipients, subject, templates.Render(name, "html", model), templates.Render(name, "txt", model)) { Attachments = attachments };
    }
}
