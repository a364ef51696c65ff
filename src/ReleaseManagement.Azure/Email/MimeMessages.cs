using MimeKit;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Email;

/// <summary>Builds the MIME message (multipart/alternative: plain text and HTML) both transports send.</summary>
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

        mime.Subject = message.Subject;
        mime.Date = date;
        mime.Headers.Add("Auto-Submitted", "auto-generated");
        mime.Body = new BodyBuilder { TextBody = message.TextBody, HtmlBody = message.HtmlBody }.ToMessageBody();
        return mime;
    }
}
