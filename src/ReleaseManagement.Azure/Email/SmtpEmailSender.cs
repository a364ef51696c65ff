using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Email;

/// <summary>
/// Sends over SMTP with MailKit: one connection per message (approval mail is low volume). Works with any SMTP relay,
/// including Office 365 and Azure Communication Services (port 587, StartTls, user name and password).
/// </summary>
public sealed class SmtpEmailSender(IOptions<EmailOptions> email, IOptions<SmtpOptions> smtp, TimeProvider time) : IEmailSender
{
    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default)
    {
        var options = smtp.Value;
        using var mime = MimeMessages.Build(message, email.Value.From, time.GetUtcNow());
        using var client = new SmtpClient { Timeout = (int)options.Timeout.TotalMilliseconds };
        var security = options.Security switch
        {
            SmtpSecurity.None => SecureSocketOptions.None,
            SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.StartTls,
        };
        var host = options.Host ?? throw new InvalidOperationException("Smtp:Host is not configured.");
        await client.ConnectAsync(host, options.Port, security, cancellationToken);
        if (!string.IsNullOrEmpty(options.UserName))
        {
            await client.AuthenticateAsync(options.UserName, options.Password ?? string.Empty, cancellationToken);
        }

        await client.SendAsync(mime, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }
}
