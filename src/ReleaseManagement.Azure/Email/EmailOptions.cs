using ReleaseManagement.Configuration;
using System.ComponentModel.DataAnnotations;

namespace ReleaseManagement.Azure.Email;

public enum EmailTransport
{
    /// <summary>Send over SMTP (settings under <c>Smtp</c>).</summary>
    Smtp,

    /// <summary>Write each message as an .eml file into <see cref="EmailOptions.FileDirectory"/> (local development).</summary>
    File,
}

/// <summary>Settings under <c>Email</c> (app settings <c>Email__*</c>).</summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    public EmailTransport Transport { get; set; } = EmailTransport.Smtp;

    /// <summary>The sender address, optionally with a display name: <c>Release Management &lt;releases@example.com&gt;</c>.</summary>
    [Required(ErrorMessage = "Email:From (the sender address) is required.")]
    public string From { get; set; } = string.Empty;

    /// <summary>Where the File transport writes messages; relative paths are resolved against the working directory.</summary>
    [LocalOnlySetting("The File transport writes .eml files for the local mailbox; Azure sends by SMTP.")]
    public string FileDirectory { get; set; } = ".local/mail";
}

public enum SmtpSecurity
{
    /// <summary>Plain SMTP (only for a local test server).</summary>
    None,

    /// <summary>STARTTLS, required (port 587: Office 365, Azure Communication Services).</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    SslOnConnect,
}

/// <summary>Settings under <c>Smtp</c> (app settings <c>Smtp__*</c>), used when <c>Email:Transport</c> is Smtp.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Smtp";

    public string? Host { get; set; }

    [Range(1, 65535, ErrorMessage = "Smtp:Port must be between 1 and 65535.")]
    public int Port { get; set; } = 587;

    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

    public string? UserName { get; set; }

    public string? Password { get; set; }

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "Smtp:Timeout must be between 1 second and 10 minutes.")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
