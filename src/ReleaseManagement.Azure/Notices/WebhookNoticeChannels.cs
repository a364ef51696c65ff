using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Timeout;
using ReleaseManagement.Azure.Events;
using ReleaseManagement.Events;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Notices;

/// <summary>
/// Posts a notice to the channels its <c>webhook:NAME</c> audiences name (<see cref="NoticeChannelOptions.Channels"/>):
/// Slack and Teams get a compact message, any other tool a CloudEvents JSON signed like inbound CDEvents
/// (<see cref="CDEventsSignature"/>: <c>X-Signature: sha256=HEX</c> of <c>timestamp + "." + body</c>, and
/// <c>X-Signature-Timestamp</c>). The HTTP client's resilience pipeline (<see cref="NoticeChannelsExtensions"/>) retries
/// with exponential backoff; a channel still failing, or not configured, is returned as failed, never thrown.
/// </summary>
public sealed partial class WebhookNoticeChannels(
    IHttpClientFactory clients,
    IOptions<NoticeChannelOptions> options,
    IOptions<ServiceBusPublisherOptions> events,
    INoticeSummarizer summarizer,
    TimeProvider time,
    ILogger<WebhookNoticeChannels> log) : INoticeChannels
{
    public const string NoticeIdHeader = "X-Notice-Id";

    public async Task<IReadOnlyList<ChannelFailure>> PostAsync(NoticeContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var names = (context.Notice.Webhooks ?? []).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        if (names.Length == 0)
        {
            return [];
        }

        var notice = summarizer.Summarize(context);
        var http = clients.CreateClient(NoticeChannelsExtensions.HttpClientName);
        var failed = new List<ChannelFailure>();
        foreach (var name in names)
        {
            if (options.Value.Find(name) is not { } channel)
            {
                LogNotConfigured(log, name, notice.Id, NoticeChannelOptions.UrlSetting(name));
                failed.Add(new ChannelFailure(name, $"no such channel is configured (app setting {NoticeChannelOptions.UrlSetting(name)} is not set)"));
                continue;
            }

            try
            {
                using var request = Request(channel, notice);
                using var response = await http.SendAsync(request, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    LogPosted(log, notice.Id, name, channel.Kind, (int)response.StatusCode);
                    continue;
                }

                var status = (int)response.StatusCode;
                var retried = status is 408 or 429 or >= 500;
                LogFailed(log, notice.Id, name, $"HTTP {status}", null);
                failed.Add(new ChannelFailure(name, retried ? $"answered HTTP {status} after its retries" : $"answered HTTP {status} (not retried)"));
            }
            catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException
                || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                LogFailed(log, notice.Id, name, e.GetType().Name, e);
                failed.Add(new ChannelFailure(name, e is TimeoutRejectedException ? "timed out after its retries" : $"not reachable after its retries ({e.Message})"));
            }
        }

        return failed;
    }

    private HttpRequestMessage Request(NoticeChannelSettings channel, ChannelNotice notice)
    {
        string contentType = "application/json";
        var body = channel.Kind switch
        {
            NoticeChannelKind.Slack => ChannelMessages.Slack(notice),
            NoticeChannelKind.Teams => ChannelMessages.Teams(notice),
            _ => ChannelMessages.CloudEvent(notice, events.Value.EventSource, time.GetUtcNow(), out contentType),
        };
        var request = new HttpRequestMessage(HttpMethod.Post, channel.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add(NoticeIdHeader, notice.Id);
        if (channel.Kind == NoticeChannelKind.CloudEvents && channel.Secret is { Length: > 0 } secret)
        {
            // Signed once: the retries resend the same bytes and timestamp (well inside a receiver's tolerance).
            var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
            request.Headers.Add(CDEventsSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add(CDEventsSignature.Header, "sha256=" + CDEventsSignature.Sign(body, timestamp, secret));
        }

        return request;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Channel {Channel} of notice {NoticeId} is not configured: set {Setting}")]
    private static partial void LogNotConfigured(ILogger logger, string channel, string noticeId, string setting);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notice {NoticeId} posted to channel {Channel} ({Kind}): HTTP {Status}")]
    private static partial void LogPosted(ILogger logger, string noticeId, string channel, NoticeChannelKind kind, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notice {NoticeId} not posted to channel {Channel}: {Failure}")]
    private static partial void LogFailed(ILogger logger, string noticeId, string channel, string failure, Exception? exception);
}
