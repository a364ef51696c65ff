using System.Net;
using Microsoft.Extensions.Logging;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Activities;

/// <summary>Emails a notice. At least once: a retry after a send whose completion was lost sends it again.</summary>
public sealed partial class SendReleaseNotice(IEmailSender email, ILogger<SendReleaseNotice> log)
{
    public async Task<int> RunAsync(ReleaseNotice notice, CancellationToken cancellationToken = default)
    {
        var to = notice.Recipients.Where(r => r.Contains('@')).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        if (to.Length == 0)
        {
            LogNobody(log, notice.NoticeId, notice.ReleaseId);
            return 0;
        }

        var html = $"<!DOCTYPE html><html><body><p>{WebUtility.HtmlEncode(notice.Text).Replace("\n", "<br>", StringComparison.Ordinal)}</p></body></html>";
        await email.SendAsync(new EmailMessage(to, notice.Subject, html, notice.Text), cancellationToken);
        LogSent(log, notice.NoticeId, notice.ReleaseId, to.Length);
        return to.Length;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notice {NoticeId} of release {ReleaseId} has no recipient with an email address; nothing sent")]
    private static partial void LogNobody(ILogger logger, string noticeId, string releaseId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notice {NoticeId} of release {ReleaseId} sent to {Count} recipients")]
    private static partial void LogSent(ILogger logger, string noticeId, string releaseId, int count);
}
