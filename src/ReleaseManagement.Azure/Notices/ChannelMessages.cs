using System.Text.Json;
using System.Text.Json.Serialization;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using ReleaseManagement.Events;

namespace ReleaseManagement.Azure.Notices;

/// <summary>
/// The bodies posted to each kind of channel, built from typed records (never by concatenating JSON): a Slack
/// incoming-webhook message, a Teams message with an Adaptive Card, a CloudEvents 1.0 structured JSON.
/// </summary>
public static class ChannelMessages
{
    /// <summary>The CloudEvents type of a posted notice, in the style of the release events (<see cref="ReleaseEvent.TypePrefix"/>).</summary>
    public const string NoticeEventType = ReleaseEvent.TypePrefix + "notice.posted." + ReleaseEvent.TypeVersion;

    public const string AdaptiveCardContentType = "application/vnd.microsoft.card.adaptive";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly JsonEventFormatter Formatter = new();

    /// <summary>A Slack incoming-webhook message: <c>text</c> (notifications, fallback) and blocks: the title and text, the facts, a button to the release, the notice id.</summary>
    public static byte[] Slack(ChannelNotice notice)
    {
        var blocks = new List<SlackBlock>
        {
            new("section", Text: new SlackText("mrkdwn", Cap($"*{SlackEscape(notice.Title)}*\n{SlackEscape(notice.Text)}", 3000))),
        };
        if (notice.Facts.Count > 0)
        {
            // A section holds at most ten fields.
            blocks.Add(new SlackBlock("section", Fields: notice.Facts.Take(10)
                .Select(f => new SlackText("mrkdwn", Cap($"*{SlackEscape(f.Label)}*\n{SlackEscape(f.Value)}", 2000))).ToArray()));
        }

        if (notice.Link is { } link)
        {
            blocks.Add(new SlackBlock("actions", Elements: [new SlackButton("button", new SlackText("plain_text", "Open the release"), link.AbsoluteUri)]));
        }

        blocks.Add(new SlackBlock("context", Elements: [new SlackText("mrkdwn", SlackEscape($"Release {notice.ReleaseId} · notice {notice.Id}"))]));
        return JsonSerializer.SerializeToUtf8Bytes(new SlackMessage(Cap($"{notice.Title}: {notice.Text}", 3000), blocks), Json);
    }

    /// <summary>A Teams message (Workflows "post to a channel when a webhook request is received", or an incoming webhook) with one Adaptive Card.</summary>
    public static byte[] Teams(ChannelNotice notice)
    {
        var body = new List<CardElement>
        {
            new("TextBlock", Text: notice.Title, Weight: "Bolder", Size: "Medium", Wrap: true),
            new("TextBlock", Text: notice.Text, Wrap: true),
        };
        if (notice.Facts.Count > 0)
        {
            body.Add(new CardElement("FactSet", Facts: notice.Facts.Select(f => new CardFact(f.Label, f.Value)).ToArray()));
        }

        body.Add(new CardElement("TextBlock", Text: $"Notice {notice.Id}", Size: "Small", IsSubtle: true, Wrap: true));
        var card = new AdaptiveCard(body, notice.Link is { } link ? [new CardAction("Action.OpenUrl", "Open the release", link.AbsoluteUri)] : null);
        return JsonSerializer.SerializeToUtf8Bytes(new TeamsMessage("message", [new TeamsAttachment(AdaptiveCardContentType, card)]), Json);
    }

    /// <summary>
    /// A CloudEvents 1.0 event in structured mode (<c>application/cloudevents+json</c>): id = the notice's stable id, source =
    /// the release events' source (<c>ServiceBus__EventSource</c>), subject = the release id, data = the compact notice.
    /// </summary>
    public static byte[] CloudEvent(ChannelNotice notice, string eventSource, DateTimeOffset time, out string contentType)
    {
        var cloudEvent = new CloudEvent(CloudEventsSpecVersion.V1_0)
        {
            Id = notice.Id,
            Source = new Uri(eventSource, UriKind.RelativeOrAbsolute),
            Type = NoticeEventType,
            Subject = notice.ReleaseId,
            Time = time,
            DataContentType = "application/json",
            Data = JsonSerializer.SerializeToElement(new NoticeData(notice.ReleaseId, notice.NoticeId, notice.Title, notice.Text,
                notice.Facts, notice.Link?.AbsoluteUri), Json),
        };
        var body = Formatter.EncodeStructuredModeMessage(cloudEvent, out var type);
        contentType = type.ToString();
        return body.ToArray();
    }

    private static string SlackEscape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static string Cap(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";

    private sealed record SlackMessage(string Text, IReadOnlyList<SlackBlock> Blocks);

    private sealed record SlackBlock(
        string Type,
        SlackText? Text = null,
        IReadOnlyList<SlackText>? Fields = null,
        IReadOnlyList<object>? Elements = null); // SlackButton or SlackText (serialized as their own type)

    private sealed record SlackText(string Type, string Text);

    private sealed record SlackButton(string Type, SlackText Text, string Url);

    private sealed record TeamsMessage(string Type, IReadOnlyList<TeamsAttachment> Attachments);

    private sealed record TeamsAttachment(string ContentType, AdaptiveCard Content);

    private sealed record AdaptiveCard(IReadOnlyList<CardElement> Body, IReadOnlyList<CardAction>? Actions)
    {
        [JsonPropertyName("$schema")]
        public string Schema => "http://adaptivecards.io/schemas/adaptive-card.json";

        [JsonPropertyOrder(-1)]
        public string Type => "AdaptiveCard";

        public string Version => "1.4";
    }

    private sealed record CardElement(
        string Type,
        string? Text = null,
        string? Weight = null,
        string? Size = null,
        bool? IsSubtle = null,
        bool? Wrap = null,
        IReadOnlyList<CardFact>? Facts = null);

    private sealed record CardFact(string Title, string Value);

    private sealed record CardAction(string Type, string Title, string Url);

    private sealed record NoticeData(string ReleaseId, string NoticeId, string Title, string Text, IReadOnlyList<ChannelFact> Facts, string? Link);
}
