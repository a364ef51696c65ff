using System.ComponentModel.DataAnnotations;

namespace ReleaseManagement.Azure.Notices;

/// <summary>What a channel receives: a Teams or Slack message, or a signed CloudEvents JSON.</summary>
public enum NoticeChannelKind
{
    /// <summary>A Teams Workflows (or incoming-webhook) message with an Adaptive Card.</summary>
    Teams,

    /// <summary>A Slack incoming-webhook message (<c>text</c> and Block Kit <c>blocks</c>).</summary>
    Slack,

    /// <summary>A CloudEvents 1.0 structured JSON, HMAC-SHA256 signed: for any other tool.</summary>
    CloudEvents,
}

/// <summary>One channel (<c>NoticeChannels__Channels__NAME__*</c>), named by <c>webhook:NAME</c> audience entries.</summary>
public sealed class NoticeChannelSettings
{
    public NoticeChannelKind Kind { get; set; } = NoticeChannelKind.CloudEvents;

    /// <summary>The webhook's address (a Slack or Teams webhook URL is itself a secret: a Key Vault reference in Azure).</summary>
    public string Url { get; set; } = string.Empty;

    /// <summary>The HMAC-SHA256 key of a <see cref="NoticeChannelKind.CloudEvents"/> channel (required there, unused by the others).</summary>
    public string? Secret { get; set; }
}

/// <summary>
/// Settings under <c>NoticeChannels</c> (app settings <c>NoticeChannels__*</c>): the chat and JSON webhook channels
/// notices are posted to, and how long a post is retried (docs/communications.md, "Chat channels").
/// </summary>
public sealed class NoticeChannelOptions : IValidatableObject
{
    public const string Section = "NoticeChannels";

    /// <summary>The channels by name (case-insensitive), as <c>webhook:NAME</c> names them.</summary>
    public Dictionary<string, NoticeChannelSettings> Channels { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The delay before the first retry; each next one doubles it (with jitter), unless the answer's <c>Retry-After</c> says otherwise.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Retries after the first attempt (on 408, 429, 5xx, a network error or an attempt's timeout).</summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>The longest one attempt may take.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest a post may take, retries and their delays included; then the channel has failed.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The channel named <paramref name="name"/>, found case-insensitively.</summary>
    public NoticeChannelSettings? Find(string name) =>
        Channels.FirstOrDefault(c => string.Equals(c.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>The app setting that names channel <paramref name="name"/>'s address.</summary>
    public static string UrlSetting(string name) => $"{Section}__{nameof(Channels)}__{name}__{nameof(NoticeChannelSettings.Url)}";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, channel) in Channels)
        {
            if (!Uri.TryCreate(channel.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                yield return new ValidationResult($"{UrlSetting(name)} must be the channel's absolute http(s) webhook address.", [nameof(Channels)]);
            }

            if (channel.Kind == NoticeChannelKind.CloudEvents && string.IsNullOrWhiteSpace(channel.Secret))
            {
                yield return new ValidationResult(
                    $"{Section}__{nameof(Channels)}__{name}__{nameof(NoticeChannelSettings.Secret)} must be set: a CloudEvents channel's posts are HMAC-signed.",
                    [nameof(Channels)]);
            }
        }

        if (FirstRetryDelay <= TimeSpan.Zero || FirstRetryDelay > TimeSpan.FromMinutes(10))
        {
            yield return new ValidationResult($"{Section}:FirstRetryDelay must be more than zero and at most 10 minutes.", [nameof(FirstRetryDelay)]);
        }

        if (MaxRetries is < 1 or > 20)
        {
            yield return new ValidationResult($"{Section}:MaxRetries must be from 1 to 20.", [nameof(MaxRetries)]);
        }

        if (AttemptTimeout < TimeSpan.FromMilliseconds(10) || AttemptTimeout > TimeSpan.FromMinutes(5))
        {
            yield return new ValidationResult($"{Section}:AttemptTimeout must be from 10 ms to 5 minutes.", [nameof(AttemptTimeout)]);
        }

        if (TotalTimeout < AttemptTimeout || TotalTimeout > TimeSpan.FromMinutes(10))
        {
            yield return new ValidationResult($"{Section}:TotalTimeout must be at least AttemptTimeout and at most 10 minutes (the activity waits for it).", [nameof(TotalTimeout)]);
        }
    }
}
