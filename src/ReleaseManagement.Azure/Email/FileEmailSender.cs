using Microsoft.Extensions.Options;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Email;

/// <summary>Writes each message as an .eml file (local development: the local host lists them at /dev/mailbox).</summary>
public sealed class FileEmailSender(IOptions<EmailOptions> options, TimeProvider time) : IEmailSender
{
    public string Directory { get; } = Path.GetFullPath(options.Value.FileDirectory);

    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var now = time.GetUtcNow();
        using var mime = MimeMessages.Build(message, options.Value.From, now);
        var name = $"{now:yyyyMMdd'T'HHmmssfff}-{Guid.NewGuid():N}.eml";
        var temp = Path.Combine(Directory, name + ".tmp");
        await mime.WriteToAsync(temp, cancellationToken);
        File.Move(temp, Path.Combine(Directory, name));
    }
}
