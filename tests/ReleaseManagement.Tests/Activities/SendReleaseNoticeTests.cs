using Microsoft.Extensions.Logging.Abstractions;
using ReleaseManagement.Activities;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;
using ReleaseManagement.Tests.Orchestration;

namespace ReleaseManagement.Tests.Activities;

public sealed class SendReleaseNoticeTests
{
    [Fact]
    public async Task RescheduleNotice_RecordNotYetMoved_IsComposedWithTheNoticesDate()
    {
        var store = new InMemoryReleaseStore();
        var now = DateTimeOffset.UtcNow;
        var stored = new DateOnly(2027, 1, 14);
        var moved = new DateOnly(2027, 1, 19);
        await store.TryCreateAsync(new ReleaseRecord(
            new ReleaseRequest("rel-moved", "Billing notices", ReleaseType.Minor, ["Billing"], stored, "rm@example.com"),
            now, ReleasePhase.Planning, ReleaseStatus.Active, "Planned.", now), TestContext.Current.CancellationToken);
        var composer = new CapturingComposer();
        var activity = new SendReleaseNotice(new NoEmail(), NullLogger<SendReleaseNotice>.Instance,
            new ReleasePolicies(new ReleaseFunctions.TestSupport.InMemoryPolicySnapshots(), ReleasePolicyDefaults.Create()),
            new SendOnce(new ReleaseFunctions.TestSupport.InMemorySendClaims(), TimeProvider.System), store, composer: composer);

        await activity.RunAsync(new ReleaseNotice("rel-moved", "rescheduled@2027-01-19", "[rel-moved] Release rescheduled", "Moved.", ["stakeholder@example.com"])
        {
            Template = NoticeTemplates.Rescheduled,
            Facts = new Dictionary<string, string> { [NoticeFacts.PreviousTargetDate] = "2027-01-14", [NoticeFacts.TargetDate] = "2027-01-19" },
            AttachInvite = true,
        }, TestContext.Current.CancellationToken);

        var context = Assert.Single(composer.Contexts);
        Assert.Equal(moved, context.Release!.Request.TargetDate);
        Assert.Equal(stored, (await store.GetAsync("rel-moved", TestContext.Current.CancellationToken))!.Request.TargetDate); // the record is the lifecycle's to write
    }

    [Fact]
    public async Task Notice_FailingAfterItsEmailWentOut_IsRetriedWithoutEmailingAgain_TheChannelsArePostedOnTheRetry()
    {
        var ct = TestContext.Current.CancellationToken;
        var mail = new CountingEmail();
        var channels = new FailingOnceChannels();
        var activity = new SendReleaseNotice(mail, NullLogger<SendReleaseNotice>.Instance,
            new ReleasePolicies(new ReleaseFunctions.TestSupport.InMemoryPolicySnapshots(), ReleasePolicyDefaults.Create()),
            new SendOnce(new ReleaseFunctions.TestSupport.InMemorySendClaims(), TimeProvider.System), new InMemoryReleaseStore(), channels: channels);
        var notice = new ReleaseNotice("rel-once", "t-1", "[rel-once] Tomorrow", "Deployment tomorrow.", ["stakeholder@example.com"])
        {
            Webhooks = ["ops-chat"],
            SendKey = "rel-once|notice:t-1#1",
        };

        await Assert.ThrowsAsync<HttpRequestException>(() => activity.RunAsync(notice, ct));
        var retried = await activity.RunAsync(notice, ct);

        Assert.Equal(1, retried);
        Assert.Equal(1, mail.Sent);
        Assert.Equal(2, channels.Calls);
    }

    /// <summary>
    /// Issue 27, point 1: a notice asking for feedback goes to each reader alone with a link of their own. The mail server
    /// fails on the second reader: the retry sends to the second and third only (the first is not emailed twice), with the
    /// same links as before.
    /// </summary>
    [Fact]
    public async Task NoticeAskingForFeedback_EachReaderAloneWithTheirLink_ARetryAfterAFailureSendsOnlyTheRest()
    {
        var ct = TestContext.Current.CancellationToken;
        var mail = new FailingSecondEmail();
        var links = new CountingLinks();
        var composer = new CapturingComposer();
        var activity = new SendReleaseNotice(mail, NullLogger<SendReleaseNotice>.Instance,
            new ReleasePolicies(new ReleaseFunctions.TestSupport.InMemoryPolicySnapshots(), ReleasePolicyDefaults.Create()),
            new SendOnce(new ReleaseFunctions.TestSupport.InMemorySendClaims(), TimeProvider.System), new InMemoryReleaseStore(), composer: composer, feedback: links);
        var notice = new ReleaseNotice("rel-fb", "post-deployment-report@2027-01-05", "", "", ["a@example.com", "B@example.com", "b@example.com", "c@example.com", "not an address"])
        {
            Template = "post-deployment-status-report",
            AskFeedback = true,
            SendKey = "rel-fb|notice:post-deployment-report#1",
        };

        await Assert.ThrowsAsync<HttpRequestException>(() => activity.RunAsync(notice, ct));
        var sent = await activity.RunAsync(notice, ct);

        Assert.Equal(3, sent);
        Assert.Equal(["a@example.com", "b@example.com", "c@example.com"], mail.Delivered.Select(m => Assert.Single(m.To)));
        Assert.Equal(["a@example.com", "b@example.com", "b@example.com", "c@example.com"], links.Asked);
        var perReader = composer.Contexts.Select(c => (To: Assert.Single(c.Notice.Recipients), Link: c.Notice.Facts![NoticeFacts.FeedbackLink])).ToArray();
        Assert.All(perReader, p => Assert.Equal($"https://releases.example.com/api/feedback/{p.To}", p.Link));
    }

    [Fact]
    public async Task NoticeNotAskingForFeedback_GoesToEveryoneInOneEmail_WithoutLinks()
    {
        var mail = new CountingEmail();
        var links = new CountingLinks();
        var activity = new SendReleaseNotice(mail, NullLogger<SendReleaseNotice>.Instance,
            new ReleasePolicies(new ReleaseFunctions.TestSupport.InMemoryPolicySnapshots(), ReleasePolicyDefaults.Create()),
            new SendOnce(new ReleaseFunctions.TestSupport.InMemorySendClaims(), TimeProvider.System), new InMemoryReleaseStore(), feedback: links);

        var sent = await activity.RunAsync(new ReleaseNotice("rel-nofb", "final-notice@2027-01-05", "[rel-nofb] Tomorrow", "Deployment tomorrow.", ["a@example.com", "b@example.com"]), TestContext.Current.CancellationToken);

        Assert.Equal((2, 1), (sent, mail.Sent));
        Assert.Empty(links.Asked);
    }

    private sealed class FailingSecondEmail : IEmailSender
    {
        private int _calls;

        public List<EmailMessage> Delivered { get; } = [];

        public Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default)
        {
            if (++_calls == 2)
            {
                throw new HttpRequestException("mail server down");
            }

            Delivered.Add(message);
            return Task.CompletedTask;
        }
    }

    private sealed class CountingLinks : IFeedbackLinks
    {
        public List<string> Asked { get; } = [];

        public Task<string> LinkAsync(string releaseId, string noticeId, string recipient, DateTimeOffset sentAt, CancellationToken cancellationToken = default)
        {
            Asked.Add(recipient);
            return Task.FromResult($"https://releases.example.com/api/feedback/{recipient}");
        }
    }

    private sealed class CountingEmail : IEmailSender
    {
        public int Sent { get; private set; }

        public Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default)
        {
            Sent++;
            return Task.CompletedTask;
        }
    }

    /// <summary>A channel adapter whose first post fails as a dependency that is down does (an exception, not a reported failure).</summary>
    private sealed class FailingOnceChannels : INoticeChannels
    {
        public int Calls { get; private set; }

        public Task<IReadOnlyList<ChannelFailure>> PostAsync(NoticeContext context, CancellationToken cancellationToken = default) =>
            ++Calls == 1 ? throw new HttpRequestException("connection refused") : Task.FromResult<IReadOnlyList<ChannelFailure>>([]);
    }

    private sealed class CapturingComposer : INoticeComposer
    {
        public List<NoticeContext> Contexts { get; } = [];

        public EmailMessage Compose(NoticeContext context)
        {
            Contexts.Add(context);
            return new EmailMessage(context.Notice.Recipients, "subject", "<p>html</p>", "text");
        }
    }

    private sealed class NoEmail : IEmailSender
    {
        public Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }
}
