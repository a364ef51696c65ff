using System.Net;
using Microsoft.Extensions.Logging;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Activities;

/// <summary>
/// Emails a notice, and posts it to its webhook channels. A templated notice (<see cref="ReleaseNotice.Template"/>) is
/// rendered from the release's state at send time, read from the stores, with the policy the release runs under
/// (<see cref="ReleasePolicies"/>). Once per send (<see cref="ReleaseNotice.SendKey"/>, <see cref="SendOnce"/>): a retry
/// after a send whose completion was lost, or a second worker running the same call, returns the first send's count
/// without sending; the email and the channels are claimed apart, so what fails after the email never sends it again. The email goes first, then the channels: a mail server that is down fails the
/// notice before any channel is posted, so the retries of an outage post each channel once. A channel that fails after its retries is a <c>channel-failed</c> warning on the
/// release, never a failed notice.
/// </summary>
public sealed partial class SendReleaseNotice(
    IEmailSender email,
    ILogger<SendReleaseNotice> log,
    ReleasePolicies policies,
    SendOnce once,
    IReleaseStore? releases = null,
    IPipelineEventStore? events = null,
    INoticeComposer? composer = null,
    INoticeChannels? channels = null,
    TimeProvider? time = null,
    IFeedbackLinks? feedback = null)
{
    /// <summary>
    /// The email, then the channels, each its own claimed send: once the email went out its claim is complete, so a failure
    /// after it (the channels' warning write to a store that is down) retries the channels alone and never emails again.
    /// </summary>
    public async Task<int> RunAsync(ReleaseNotice notice, CancellationToken cancellationToken = default)
    {
        var key = $"notice|{notice.SendKey ?? notice.NoticeId}";
        // The release's state is read once for both sends, and only by a send that needs it.
        NoticeContext? context = null;
        async Task<NoticeContext?> ContextAsync(CancellationToken ct) =>
            (notice.Template is not null && composer is not null) || (notice.Webhooks is { Count: > 0 } && channels is not null)
                ? context ??= await ReadAsync(notice, ct)
                : null;

        var sent = notice.AskFeedback && feedback is not null
            ? await EachWithALinkAsync(notice, key, ContextAsync, feedback, cancellationToken)
            : await once.RunAsync(notice.ReleaseId, key, ct => EmailAsync(notice, ContextAsync, ct), cancellationToken);

        // The channels after the email: a mail server that is down fails the notice before anything is posted, so the
        // retry that follows the outage posts the channels once (a channel's own failure is a warning, never a retry).
        if (notice.Webhooks is { Count: > 0 })
        {
            await once.RunAsync(notice.ReleaseId, key + "|channels", async ct =>
            {
                await PostAsync(notice, notice.Webhooks, await ContextAsync(ct), ct);
                return 0;
            }, cancellationToken);
        }

        return sent;
    }

    // A notice asking for feedback: each reader gets it alone with a link of their own, each copy its own claimed send (a
    // retry after a failure sends only those not sent yet; the link is the same every time).
    private async Task<int> EachWithALinkAsync(ReleaseNotice notice, string key, Func<CancellationToken, Task<NoticeContext?>> read, IFeedbackLinks links, CancellationToken cancellationToken)
    {
        var sent = 0;
        var at = (time ?? TimeProvider.System).GetUtcNow();
        foreach (var to in notice.Recipients.Where(EmailAddresses.IsValid).Select(r => r.ToLowerInvariant()).Distinct(StringComparer.Ordinal))
        {
            sent += await once.RunAsync(notice.ReleaseId, $"{key}|to:{to}", async ct =>
            {
                var link = await links.LinkAsync(notice.ReleaseId, notice.NoticeId, to, at, ct);
                var facts = new Dictionary<string, string>(notice.Facts ?? new Dictionary<string, string>(), StringComparer.Ordinal) { [NoticeFacts.FeedbackLink] = link };
                var copy = notice with { Recipients = [to], Facts = facts };
                return await EmailAsync(copy, async c => await read(c) is { } context ? context with { Notice = copy } : null, ct);
            }, cancellationToken);
        }

        return sent;
    }

    private async Task<int> EmailAsync(ReleaseNotice notice, Func<CancellationToken, Task<NoticeContext?>> read, CancellationToken cancellationToken)
    {
        var to = notice.Recipients.Where(EmailAddresses.IsValid).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        if (to.Length == 0)
        {
            LogNobody(log, notice.NoticeId, notice.ReleaseId);
            return 0;
        }

        var context = notice.Template is not null && composer is not null ? await read(cancellationToken) : null;
        var message = context is not null && composer is not null
            ? composer.Compose(context) with { To = to }
            : new EmailMessage(to, notice.Subject,
                $"<!DOCTYPE html><html><body><p>{WebUtility.HtmlEncode(notice.Text).Replace("\n", "<br>", StringComparison.Ordinal)}</p></body></html>",
                notice.Text);
        await email.SendAsync(message, cancellationToken);
        LogSent(log, notice.NoticeId, notice.ReleaseId, to.Length);
        return to.Length;
    }

    private async Task PostAsync(ReleaseNotice notice, IReadOnlyList<string> webhooks, NoticeContext? context, CancellationToken cancellationToken)
    {
        if (webhooks.Count > 0)
        {
            // Without a channel adapter a webhook audience is never dropped silently: it is a warning on the release.
            IReadOnlyList<ChannelFailure> failed = context is not null && channels is not null
                ? await channels.PostAsync(context, cancellationToken)
                : webhooks.Select(w => new ChannelFailure(w, "no chat channel adapter is configured")).ToArray();
            if (failed.Count > 0)
            {
                var warning = $"Channel(s) {string.Join(", ", failed.Select(f => f.Channel))} not posted for {notice.Description ?? notice.NoticeId}: " +
                    string.Join("; ", failed.Select(f => $"{f.Channel}: {f.Reason}")) + ".";
                LogChannelsFailed(log, notice.NoticeId, notice.ReleaseId, warning);
                if (releases is not null)
                {
                    var now = (time ?? TimeProvider.System).GetUtcNow();
                    await releases.ApplyAsync(WarningChange.Raise(notice.ReleaseId, new ReleaseWarning(NoticeWarnings.ChannelFailed, warning, now)), cancellationToken);
                }
            }
        }
    }

    private async Task<NoticeContext> ReadAsync(ReleaseNotice notice, CancellationToken cancellationToken)
    {
        var record = releases is null ? null : await releases.GetAsync(notice.ReleaseId, cancellationToken);
        // A notice about a new date says that date, and its invite holds that window, even where the lifecycle has not yet
        // written the date to the record (a second reschedule's notice said "moves from A to A" in a full test run).
        if (record is not null && notice.Facts?.GetValueOrDefault(NoticeFacts.TargetDate) is { } date
            && DateOnly.TryParseExact(date, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var targetDate))
        {
            record = record with { Request = record.Request with { TargetDate = targetDate } };
        }

        var timeline = releases is null ? [] : await releases.GetTimelineAsync(notice.ReleaseId, cancellationToken);
        var stored = events is null ? [] : await events.ListByReleaseAsync(notice.ReleaseId, cancellationToken);
        // Rendered with the policy the release runs under (the orchestration sending it runs with the same), not today's.
        var policy = record is null ? policies.Current : await policies.ForAsync(record, cancellationToken);
        return new NoticeContext(notice, record, timeline, stored.Select(e => e.Event).ToArray(), policy);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notice {NoticeId} of release {ReleaseId} has no recipient with an email address; nothing sent")]
    private static partial void LogNobody(ILogger logger, string noticeId, string releaseId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notice {NoticeId} of release {ReleaseId}: {Warning}")]
    private static partial void LogChannelsFailed(ILogger logger, string noticeId, string releaseId, string warning);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notice {NoticeId} of release {ReleaseId} sent to {Count} recipients")]
    private static partial void LogSent(ILogger logger, string noticeId, string releaseId, int count);
}
