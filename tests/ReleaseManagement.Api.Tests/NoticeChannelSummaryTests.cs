using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ReleaseManagement.Activities;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Api.Communications;
using ReleaseManagement.Azure.Notices;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api.Tests;

/// <summary>The compact form of a notice the chat channels post, and the start-up check of the policy's channel names.</summary>
public sealed class NoticeChannelSummaryTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    private static NoticeChannelSummary Summary() => new(
        new NoticeTemplateStore(Options.Create(new CommunicationsOptions())),
        Options.Create(new ApprovalOptions { PublicBaseUrl = "https://releases.example.com" }));

    [Fact]
    public void Summarize_RescheduleNotice_TitleIsTheTemplateSubjectWithFactsAndTheDashboardLink()
    {
        var request = new ReleaseRequest("2026.12.1", "December <Billing>", ReleaseType.Minor, ["Billing", "Forecasting"], new DateOnly(2026, 12, 15), "rm@example.com");
        var record = new ReleaseRecord(request, At, ReleasePhase.Planning, ReleaseStatus.Active, "Planned", At);
        var notice = new ReleaseNotice("2026.12.1", "rescheduled@2026-12-15", "[2026.12.1] Release rescheduled", "Moved.", [])
        {
            Template = NoticeTemplates.Rescheduled,
            Description = "Release rescheduled",
            Facts = new Dictionary<string, string> { [NoticeFacts.PreviousTargetDate] = "2026-12-08" },
            Webhooks = ["team-chat"],
        };

        var summary = Summary().Summarize(new NoticeContext(notice, record, [], [], ReleasePolicyDefaults.Create()));

        Assert.Equal("2026.12.1/rescheduled@2026-12-15", summary.Id);
        Assert.Equal("[2026.12.1] Release rescheduled: December <Billing> moves from 2026-12-08 to 2026-12-15", summary.Title);
        Assert.Equal("Release rescheduled", summary.Text);
        Assert.Contains(new ChannelFact("Release", "2026.12.1"), summary.Facts);
        Assert.Contains(new ChannelFact("Systems", "Billing, Forecasting"), summary.Facts);
        Assert.Contains(new ChannelFact("Target date", "2026-12-15"), summary.Facts);
        Assert.Contains(new ChannelFact("Previous target date", "2026-12-08"), summary.Facts);
        Assert.Contains(summary.Facts, f => f.Label == "Status" && f.Value.StartsWith("Active", StringComparison.Ordinal));
        Assert.Equal(new Uri("https://releases.example.com/api/dashboard/releases/2026.12.1"), summary.Link);
    }

    [Fact]
    public void Summarize_LateNotice_TitleAndTextSayItIsLate_AsTheEmailDoes()
    {
        var request = new ReleaseRequest("2026.12.3", "Late <Billing>", ReleaseType.Minor, ["Billing"], new DateOnly(2026, 12, 15), "rm@example.com");
        var record = new ReleaseRecord(request, At, ReleasePhase.Planning, ReleaseStatus.Active, "Planned", At);
        var notice = new ReleaseNotice("2026.12.3", "feature-freeze@2026-12-15", "[2026.12.3] Feature freeze notification", "", [])
        {
            Template = "feature-freeze-notification",
            Description = "Feature freeze notification",
            Facts = new Dictionary<string, string> { [NoticeFacts.LateDue] = "2026-12-01T14:00:00.0000000Z" },
            Webhooks = ["team-chat"],
        };

        var late = Summary().Summarize(new NoticeContext(notice, record, [], [], ReleasePolicyDefaults.Create()));
        var onTime = Summary().Summarize(new NoticeContext(notice with { Facts = null }, record, [], [], ReleasePolicyDefaults.Create()));

        Assert.StartsWith("(late) [2026.12.3] Feature freeze notification", late.Title, StringComparison.Ordinal);
        Assert.StartsWith("This notice is late: it was due 2026-12-01 09:00", late.Text, StringComparison.Ordinal);
        Assert.EndsWith("Feature freeze notification", late.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("late", onTime.Title, StringComparison.Ordinal);
        Assert.Equal("Feature freeze notification", onTime.Text);
    }

    [Fact]
    public void Summarize_PlainNotice_KeepsItsOwnSubjectAndText()
    {
        var notice = new ReleaseNotice("2026.12.2", "emergency-review", "[2026.12.2] Emergency review due", "Review the hotfix by Friday.", [])
        {
            Webhooks = ["ops"],
        };

        var summary = Summary().Summarize(new NoticeContext(notice, null, [], [], ReleasePolicyDefaults.Create()));

        Assert.Equal("[2026.12.2] Emergency review due", summary.Title);
        Assert.Equal("Review the hotfix by Friday.", summary.Text);
        Assert.Contains(new ChannelFact("Release", "2026.12.2"), summary.Facts);
    }

    [Fact]
    public void NoticeChannelCheck_PolicyNamesAnUnconfiguredChannel_ReportsOnlyThatOne()
    {
        var defaults = ReleasePolicyDefaults.Create();
        var policy = defaults with
        {
            Audiences = new Dictionary<string, IReadOnlyList<string>>(defaults.Audiences)
            {
                ["operations"] = ["role:release-manager", "webhook:ops-chat", "webhook:team-chat"],
            },
        };
        var channels = new NoticeChannelOptions();
        channels.Channels["team-chat"] = new NoticeChannelSettings { Kind = NoticeChannelKind.Slack, Url = "https://hooks.example.com/team" };

        var check = new NoticeChannelCheck(policy, Options.Create(channels), NullLogger<NoticeChannelCheck>.Instance);

        Assert.Equal(["ops-chat"], check.Missing());
    }
}
