using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using MimeKit;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Api.Communications;
using ReleaseManagement.Azure.Email;

namespace ReleaseFunctions.LocalHost;

/// <summary>
/// <c>GET /dev/mailbox</c> (local host only): the messages the File email transport wrote, newest first, with the
/// links in them, so a person can click through the approval flow without a mail server.
/// </summary>
public static partial class DevMailbox
{
    public const int MaxMessages = 200;

    public static IResult List(IOptions<EmailOptions> options, NoticeTemplateStore templates)
    {
        var directory = Path.GetFullPath(options.Value.FileDirectory);
        var messages = new List<DevMailboxMessage>();
        var files = Directory.Exists(directory)
            ? Directory.GetFiles(directory, "*.eml").OrderByDescending(f => Path.GetFileName(f), StringComparer.Ordinal).Take(MaxMessages).ToList()
            : [];
        foreach (var file in files)
        {
            MimeMessage message;
            try
            {
                message = MimeMessage.Load(file);
            }
            catch (FormatException)
            {
                continue;
            }

            messages.Add(new DevMailboxMessage(
                message.Subject ?? string.Empty,
                string.Join(", ", message.To.Mailboxes.Select(m => m.Address)),
                message.Date.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture),
                Links().Matches(message.TextBody ?? string.Empty).Select(m => m.Value).Distinct().ToArray(),
                Path.GetFileName(file)));
        }

        return new HtmlPage(templates, StatusCodes.Status200OK, "Local mailbox", "dev-mailbox", new DevMailboxView(files.Count, directory, messages));
    }

    [GeneratedRegex(@"https?://[^\s<>""]+", RegexOptions.CultureInvariant)]
    private static partial Regex Links();
}

/// <summary>The variables of <c>dev-mailbox.html.liquid</c>.</summary>
public sealed record DevMailboxView(int Count, string Directory, IReadOnlyList<DevMailboxMessage> Messages);

/// <summary>A message in the local mailbox.</summary>
public sealed record DevMailboxMessage(string Subject, string To, string Date, IReadOnlyList<string> Links, string File);
