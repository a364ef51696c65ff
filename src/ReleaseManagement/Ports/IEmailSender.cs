namespace ReleaseManagement.Ports;

/// <summary>Sends email (SMTP in Azure; files under .local/mail on the local host).</summary>
public interface IEmailSender
{
    Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default);
}
