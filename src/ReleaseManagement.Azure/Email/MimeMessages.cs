using MimeKit;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Email;

/// <summary>
/// Builds the MIME message both transports send: multipart/alternative (plain text and HTML), inside multipart/mixed with
/// the attachments (release notes, an iCalendar invite) when there are any.
/// </summary>
public static class MimeMessages
{
    public static MimeMessage Build(EmailMessage message, string from, DateTimeOffset date)
    {
        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(from));
        foreach (var to in message.To)
        {
            mime.To.Add(MailboxAddress.Parse(to));
        }

        foreach (var cc in message.Cc)
        {
            mime.Cc.Add(MailboxAddress.Parse(cc));
        }

        mime.Subject = message.Subject;
        mime.Date = date;
        mime.Headers.Add("Auto-Submitted", "auto-generated");
        var body = new BodyBuilder { TextBody = message.TextBody, HtmlBody = message.HtmlBody };
        foreach (var attachment in message.Attachments)
        {
            body.Attachments.Add(attachment.FileName, System.Text.Encoding.UTF8.GetBytes(attachment.Content), ContentType.Parse(attachment.ContentType));
        }

        mime.Body = body.ToMessageBody();
        return mime;
    }
}
