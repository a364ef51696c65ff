using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ReleaseManagement.Activities;
using ReleaseManagement.Azure.Events;
using ReleaseManagement.Azure.Notices;
using ReleaseManagement.Azure.Storage;
using ReleaseManagement.Azure.Tables;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Azure.Tests.Notices;

/// <summary>
/// The chat and JSON webhook channels against a real local HTTP receiver, registered as the hosts register them
/// (<see cref="NoticeChannelsExtensions.AddNoticeChannels"/>), with short retry delays from configuration.
/// </summary>
public sealed class WebhookNoticeChannelsTests : IAsyncLifetime
{
    private const string Secret = "channel-test-secret";
    private WebhookReceiver _receiver = null!;

    public async ValueTask InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async ValueTask DisposeAsync() => await _receiver.DisposeAsync();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private ServiceProvider Services(string? eventSource = "/release-functions/test", params (string Name, string Kind, string Path)[] channels)
    {
        var settings = new Dictionary<string, string?>
        {
            ["NoticeChannels:FirstRetryDelay"] = "00:00:00.010",
            ["NoticeChannels:MaxRetries"] = "2",
            ["NoticeChannels:AttemptTimeout"] = "00:00:05",
            ["NoticeChannels:TotalTimeout"] = "00:00:30",
        };
        foreach (var (name, kind, path) in channels)
        {
            settings[$"NoticeChannels:Channels:{name}:Kind"] = kind;
            settings[$"NoticeChannels:Channels:{name}:Url"] = _receiver.Url(path);
            settings[$"NoticeChannels:Channels:{name}:Secret"] = Secret;
        }

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<INoticeSummarizer, TestSummary>();
        services.Configure<ServiceBusPublisherOptions>(o => o.EventSource = eventSource!);
        services.AddNoticeChannels(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return services.BuildServiceProvider();
    }

    private static NoticeContext Context(string releaseId, params string[] webhooks) =>
        new(new ReleaseNotice(releaseId, "feature-freeze@2026-12-01", $"[{releaseId}] Feature freeze", "Code freeze starts now.", [])
        {
            Description = "Feature freeze",
            Webhooks = webhooks,
        }, null, [], [], ReleaseManagement.Policy.ReleasePolicyDefaults.Create());

    [Fact]
    public async Task PostAsync_SlackChannel_PostsTextBlocksFactsAndALinkButton()
    {
        await using var services = Services(channels: ("team-chat", "Slack", "slack"));

        var failed = await services.GetRequiredService<INoticeChannels>().PostAsync(Context("2026.12.1", "team-chat"), Cancel);

        Assert.Empty(failed);
        var post = Assert.Single(_receiver.To("slack"));
        Assert.StartsWith("application/json", post.ContentType, StringComparison.Ordinal);
        var json = JsonNode.Parse(post.Body)!;
        Assert.Equal("[2026.12.1] Feature freeze: Code freeze starts now.", (string?)json["text"]);
        var blocks = json["blocks"]!.AsArray();
        Assert.Equal("section", (string?)blocks[0]!["type"]);
        Assert.Equal("mrkdwn", (string?)blocks[0]!["text"]!["type"]);
        Assert.Equal("*[2026.12.1] Feature freeze*\nCode freeze starts now.", (string?)blocks[0]!["text"]!["text"]);
        var fields = blocks[1]!["fields"]!.AsArray().Select(f => (string?)f!["text"]).ToArray();
        Assert.Contains("*Release*\n2026.12.1", fields);
        Assert.Contains("*Systems*\nBilling, Forecasting &amp; Co", fields);
        var button = blocks.Single(b => (string?)b!["type"] == "actions")!["elements"]![0]!;
        Assert.Equal("button", (string?)button["type"]);
        Assert.Equal("https://releases.example.com/api/dashboard/releases/2026.12.1", (string?)button["url"]);
        var context = blocks.Single(b => (string?)b!["type"] == "context")!["elements"]![0]!;
        Assert.Contains("2026.12.1/feature-freeze@2026-12-01", (string?)context["text"], StringComparison.Ordinal);
        Assert.Equal("2026.12.1/feature-freeze@2026-12-01", post.Headers[WebhookNoticeChannels.NoticeIdHeader]);
    }

    [Fact]
    public async Task PostAsync_TeamsChannel_PostsAMessageWithAnAdaptiveCardAndItsFactSet()
    {
        await using var services = Services(channels: ("ops", "Teams", "teams"));

        var failed = await services.GetRequiredService<INoticeChannels>().PostAsync(Context("2026.12.1", "ops"), Cancel);

        Assert.Empty(failed);
        var json = JsonNode.Parse(Assert.Single(_receiver.To("teams")).Body)!;
        Assert.Equal("message", (string?)json["type"]);
        var attachment = json["attachments"]!.AsArray().Single()!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)attachment["contentType"]);
        var card = attachment["content"]!;
        Assert.Equal("AdaptiveCard", (string?)card["type"]);
        Assert.Equal("http://adaptivecards.io/schemas/adaptive-card.json", (string?)card["$schema"]);
        Assert.Equal("[2026.12.1] Feature freeze", (string?)card["body"]![0]!["text"]);
        var facts = card["body"]!.AsArray().Single(e => (string?)e!["type"] == "FactSet")!["facts"]!.AsArray();
        Assert.Contains(facts, f => (string?)f!["title"] == "Release" && (string?)f["value"] == "2026.12.1");
        Assert.Contains(facts, f => (string?)f!["title"] == "Status" && (string?)f["value"] == "Active");
        var action = card["actions"]![0]!;
        Assert.Equal("Action.OpenUrl", (string?)action["type"]);
        Assert.Equal("https://releases.example.com/api/dashboard/releases/2026.12.1", (string?)action["url"]);
    }

    [Fact]
    public async Task PostAsync_CloudEventsChannel_PostsAStructuredCloudEventWithAVerifiableSignature()
    {
        await using var services = Services(channels: ("audit-sink", "CloudEvents", "events"));
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var failed = await services.GetRequiredService<INoticeChannels>().PostAsync(Context("2026.12.1", "audit-sink"), Cancel);

        Assert.Empty(failed);
        var post = Assert.Single(_receiver.To("events"));
        Assert.StartsWith("application/cloudevents+json", post.ContentType, StringComparison.Ordinal);

        // The receiver's check, computed independently: HMAC-SHA256 over "<timestamp>." + the exact body bytes.
        var timestamp = post.Headers["X-Signature-Timestamp"];
        Assert.InRange(long.Parse(timestamp, CultureInfo.InvariantCulture), before, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), (byte[])[.. Encoding.ASCII.GetBytes(timestamp + "."), .. post.Body]);
        Assert.Equal("sha256=" + Convert.ToHexStringLower(expected), post.Headers["X-Signature"]);
        var tampered = HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), (byte[])[.. Encoding.ASCII.GetBytes(timestamp + "."), .. post.Body, (byte)' ']);
        Assert.NotEqual("sha256=" + Convert.ToHexStringLower(tampered), post.Headers["X-Signature"]);

        var json = JsonNode.Parse(post.Body)!;
        Assert.Equal("1.0", (string?)json["specversion"]);
        Assert.Equal("2026.12.1/feature-freeze@2026-12-01", (string?)json["id"]);
        Assert.Equal("/release-functions/test", (string?)json["source"]);
        Assert.Equal("dev.cdeventsx.releasefunctions-notice.posted.0.1.0", (string?)json["type"]);
        Assert.Equal("2026.12.1", (string?)json["subject"]);
        Assert.Equal("application/json", (string?)json["datacontenttype"]);
        Assert.NotNull((string?)json["time"]);
        Assert.Equal("[2026.12.1] Feature freeze", (string?)json["data"]!["title"]);
        Assert.Equal("feature-freeze@2026-12-01", (string?)json["data"]!["noticeId"]);
        Assert.Contains(json["data"]!["facts"]!.AsArray(), f => (string?)f!["label"] == "Systems");
    }

    [Fact]
    public async Task PostAsync_FirstAnswer500_DeliversOnceAfterARetry()
    {
        await using var services = Services(channels: ("ops", "Teams", "flaky"));
        _receiver.Script("flaky", 500);

        var failed = await services.GetRequiredService<INoticeChannels>().PostAsync(Context("2026.12.2", "ops"), Cancel);

        Assert.Empty(failed);
        var posts = _receiver.To("flaky");
        Assert.Equal(2, posts.Count); // the 500, then the delivery
        Assert.Equal(posts[0].Body, posts[1].Body);
    }

    [Fact]
    public async Task PostAsync_AlwaysFailing_ReturnsTheChannelAsFailedAfterItsRetries()
    {
        await using var services = Services(channels: [("ops", "Slack", "down"), ("team-chat", "Slack", "up")]);
        _receiver.Script("down", 503, 503, 503);

        var failed = await services.GetRequiredService<INoticeChannels>().PostAsync(Context("2026.12.3", "ops", "team-chat"), Cancel);

        var failure = Assert.Single(failed);
        Assert.Equal("ops", failure.Channel);
        Assert.Contains("HTTP 503 after its retries", failure.Reason, StringComparison.Ordinal);
        Assert.Equal(3, _receiver.To("down").Count); // the first attempt and MaxRetries = 2
        Assert.Single(_receiver.To("up"));
    }

    [Fact]
    public async Task PostAsync_Answer400_IsNotRetried()
    {
        await using var services = Services(channels: ("ops", "Slack", "bad"));
        _receiver.Script("bad", 400);

        var failed = await services.GetRequiredService<INoticeChannels>().PostAsync(Context("2026.12.4", "ops"), Cancel);

        Assert.Equal("answered HTTP 400 (not retried)", Assert.Single(failed).Reason);
        Assert.Single(_receiver.To("bad"));
    }

    [Fact]
    public async Task PostAsync_Answer429WithRetryAfter_WaitsTheGivenDelayThenDelivers()
    {
        await using var services = Services(channels: ("ops", "Slack", "busy"));
        _receiver.ScriptRetryAfter("busy", 429, "1");

        var failed = await services.GetRequiredService<INoticeChannels>().PostAsync(Context("2026.12.5", "ops"), Cancel);

        Assert.Empty(failed);
        var posts = _receiver.To("busy");
        Assert.Equal(2, posts.Count);
        // The configured backoff is 10 ms: a second or more between the posts is the answer's Retry-After.
        Assert.True(posts[1].At - posts[0].At >= TimeSpan.FromMilliseconds(900), $"retried after {(posts[1].At - posts[0].At).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task PostAsync_ChannelNotConfigured_FailsNamingTheMissingSetting()
    {
        await using var services = Services(channels: ("ops", "Slack", "slack"));

        var failed = await services.GetRequiredService<INoticeChannels>().PostAsync(Context("2026.12.6", "releases-chat"), Cancel);

        var failure = Assert.Single(failed);
        Assert.Equal("releases-chat", failure.Channel);
        Assert.Contains("NoticeChannels__Channels__releases-chat__Url", failure.Reason, StringComparison.Ordinal);
        Assert.Empty(_receiver.Received);
    }

    [Fact]
    public async Task Options_CloudEventsChannelWithoutSecret_FailValidationNamingTheSetting()
    {
        var services = new ServiceCollection();
        services.AddNoticeChannels(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["NoticeChannels:Channels:sink:Kind"] = "CloudEvents",
            ["NoticeChannels:Channels:sink:Url"] = "https://hooks.example.com/sink",
            ["NoticeChannels:Channels:chat:Kind"] = "Slack",
            ["NoticeChannels:Channels:chat:Url"] = "not-a-url",
        }).Build());
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<NoticeChannelOptions>>().Value);

        Assert.Contains("NoticeChannels__Channels__sink__Secret", error.Message, StringComparison.Ordinal);
        Assert.Contains("NoticeChannels__Channels__chat__Url", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendReleaseNotice_ChannelAlwaysFailing_ReleaseCarriesAChannelFailedWarning()
    {
        await using var services = Services(channels: ("ops", "Slack", "gone"));
        _receiver.Fallback = 500;
        var store = new TableReleaseStore(StorageClients.FromConnectionString(Azurite.ConnectionString).Tables);
        var id = Azurite.UniqueName("rel-");
        var now = DateTimeOffset.UtcNow;
        Assert.True(await store.TryCreateAsync(new ReleaseRecord(
            new ReleaseRequest(id, "December release", ReleaseType.Minor, ["Billing"], new DateOnly(2026, 12, 15), "rm@example.com"),
            now, ReleasePhase.Planning, ReleaseStatus.Active, "Planned.", now), Cancel));
        var activity = new SendReleaseNotice(new NoEmail(), NullLogger<SendReleaseNotice>.Instance,
            new ReleaseManagement.Policy.ReleasePolicies(new ReleaseFunctions.TestSupport.InMemoryPolicySnapshots(), ReleaseManagement.Policy.ReleasePolicyDefaults.Create()),
            new SendOnce(new TableSendClaims(StorageClients.FromConnectionString(Azurite.ConnectionString).Tables), TimeProvider.System), store,
            channels: services.GetRequiredService<INoticeChannels>());

        var sent = await activity.RunAsync(new ReleaseNotice(id, "feature-freeze@2026-12-01", $"[{id}] Feature freeze", "Code freeze.", [])
        {
            Description = "Feature freeze",
            Webhooks = ["ops"],
        }, Cancel);

        Assert.Equal(0, sent);
        Assert.Equal(3, _receiver.To("gone").Count);
        var release = await store.GetAsync(id, Cancel);
        var warning = Assert.Single(release!.Warnings!, w => w.Code == NoticeWarnings.ChannelFailed);
        Assert.Contains("ops", warning.Message, StringComparison.Ordinal);
        Assert.Contains("HTTP 500 after its retries", warning.Message, StringComparison.Ordinal);
        Assert.Equal(ReleaseStatus.Active, release.Status);
    }

    private sealed class NoEmail : IEmailSender
    {
        public Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("no email expected: the notice has no email recipients");
    }

    /// <summary>The compact notice from the context alone (the hosts use the templates' subject: NoticeChannelSummary).</summary>
    private sealed class TestSummary : INoticeSummarizer
    {
        public ChannelNotice Summarize(NoticeContext context) => new(
            ChannelNotice.IdOf(context.Notice.ReleaseId, context.Notice.NoticeId),
            context.Notice.ReleaseId,
            context.Notice.NoticeId,
            context.Notice.Subject,
            context.Notice.Text,
            [
                new("Release", context.Notice.ReleaseId),
                new("Systems", "Billing, Forecasting & Co"),
                new("Status", context.Release?.Status.ToString() ?? "Active"),
            ],
            new Uri($"https://releases.example.com/api/dashboard/releases/{context.Notice.ReleaseId}"));
    }
}
