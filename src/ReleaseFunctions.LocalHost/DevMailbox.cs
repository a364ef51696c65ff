using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using MimeKit;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Azure.Email;

namespace ReleaseFunctions.LocalHost;

/// <summary>
/// <c>GET /dev/mailbox</c> (local host only): the messages the File email transport wrote, newest first, with the
/// links in them, so a person can click through the approval flow without a mail server.
/// </summary>
public static partial class DevMailbox
{
    public const int MaxMessages = 200;

    public static IResult List(IOptions<EmailOptions> options)
    {
        var directory = Path.GetFullPath(options.Value.FileDirectory);
        var items = new StringBuilder();
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

            var links = Links().Matches(message.TextBody ?? string.Empty).Select(m => m.Value).Distinct();
            items.Append("<li><strong>").Append(Templates.Html(message.Subject)).Append("</strong><br>")
                .Append("To ").Append(Templates.Html(string.Join(", ", message.To.Mailboxes.Select(m => m.Address))))
                .Append(", ").Append(Templates.Html(message.Date.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)))
                .Append("<br>");
            foreach (var link in links)
            {
                items.Append("<a href=\"").Append(Templates.Html(link)).Append("\">").Append(Templates.Html(link)).Append("</a><br>");
            }

            items.Append("<small>").Append(Templates.Html(Path.GetFileName(file))).Append("</small></li>");
        }

        var content = $"<h1>Local mailbox</h1><p>{files.Count} message(s) in {Templates.Html(directory)}, newest first.</p><ul class=\"decisions\">{items}</ul>";
        return new HtmlPage(StatusCodes.Status200OK, "Local mailbox", content);
    }

    [GeneratedRegex(@"https?://[^\s<>""]+", RegexOptions.CultureInvariant)]
    private static partial Regex Links();
}
