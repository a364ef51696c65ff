using ReleaseManagement.Activities;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Releases;
using static ReleaseManagement.Tests.Orchestration.LifecycleHarness;

namespace ReleaseManagement.Tests.Orchestration;

/// <summary>The communication timeline's notices on the real replay engine: audiences resolved to people, outcomes told, nobody never "sent".</summary>
public sealed class CommunicationsTests : IAsyncLifetime
{
    private LifecycleHarness _h = null!;

    public async ValueTask InitializeAsync() => _h = await LifecycleHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    private static string Id(string name) => $"{name}-{Guid.NewGuid():N}"[..24];

    [Fact]
    public async Task AudienceResolvingToNobody_IsAWarningAndNotSent_OthersGetTheirNotices()
    {
        var policy = FastPolicy() with
        {
            Audiences = new Dictionary<string, IReadOnlyList<string>>(FastPolicy().Audiences)
            {
                ["stakeholders"] = ["role:board-member"],
                ["development-team"] = ["role:technical-lead", "devs@example.com"],
            },
        };
        var request = Request(Id("nobody"), ReleaseType.Minor);
        var id = await _h.StartReleaseAsync(request, policy);
        await _h.SendAllAsync(id, EverythingPasses(id));

        Assert.Equal(ReleaseStatus.Completed, (await _h.OutcomeAsync(id)).Status);
        await _h.Client.WaitForInstanceCompletionAsync($"{id}-comms", TestContext.Current.CancellationToken);

        var report = Assert.Single(_h.Notices, n => n.ReleaseId == id && n.NoticeId.StartsWith("post-deployment", StringComparison.Ordinal));
        Assert.Equal(["lead@example.com", "devs@example.com"], report.Recipients);
        Assert.Equal("post-deployment-status-report", report.Template);
        Assert.True(report.AttachNotes);
        Assert.DoesNotContain(_h.Notices, n => n.ReleaseId == id && n.NoticeId.StartsWith("outcome", StringComparison.Ordinal));
        var timeline = _h.Timeline(id);
        Assert.Contains(timeline, t => t.Kind == TimelineKinds.Warning && t.Message == "Release completed (outcome-completed) not sent: audience stakeholders has no recipients.");
        Assert.Contains(timeline, t => t.Message.StartsWith("Post-deployment status report (post-deployment-report) not sent to audience stakeholders", StringComparison.Ordinal));
        Assert.DoesNotContain(timeline, t => t.Message.StartsWith("Sent outcome", StringComparison.Ordinal));
        var warning = Assert.Single((await _h.Store.GetAsync(id))!.Warnings!, w => w.Code == NoticeWarnings.NotSent);
        Assert.Contains("stakeholders", warning.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Issue 27, point 5: the status report after T goes out when the release is deployed and watched, not on its clock
    /// time. The release's T (its production slot, as planned) lies two days back and its report is due 2 s after the test
    /// starts it, while the release still waits for its milestones: nothing is sent when that time passes (on the old rule
    /// the timer sent it then); once the release is deployed and watched it is sent, once.
    /// </summary>
    [Fact]
    public async Task PostDeploymentReport_DueWhileTheDeploymentHasNotHappened_WaitsForIt_ThenGoesOutOnce()
    {
        var request = Request(Id("slipped"), ReleaseType.Minor, DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-2));
        var slot = ReleaseManagement.Policy.ProductionSlot.Of(FastPolicy(), request, ReleaseManagement.Policy.ProductionSlot.AsPlanned).Start;
        var due = DateTimeOffset.UtcNow.AddSeconds(2);
        Assert.True(due > slot, $"T ({slot:u}) must lie before the report's due time for this test");
        var policy = FastPolicy() with
        {
            Communications =
            [
                new ReleaseManagement.Policy.CommunicationEvent
                {
                    Id = "post-deployment-report", Description = "Post-deployment status report", Offset = due - slot,
                    Audiences = ["development-team"], Template = "post-deployment-status-report",
                },
            ],
        };
        var id = await _h.StartReleaseAsync(request, policy);
        await _h.WaitForAsync(id, r => r.Phase == ReleasePhase.Planning || r.Phase == ReleasePhase.Development, "the release under way");

        // A negative: nothing may happen when the due time passes, so the test waits past it (3 s) and looks.
        var past = due.AddSeconds(3) - DateTimeOffset.UtcNow;
        if (past > TimeSpan.Zero)
        {
            await Task.Delay(past, TestContext.Current.CancellationToken);
        }

        Assert.DoesNotContain(_h.Notices, n => n.ReleaseId == id && n.NoticeId.StartsWith("post-deployment", StringComparison.Ordinal));
        await _h.SendAllAsync(id, EverythingPasses(id));
        Assert.Equal(ReleaseStatus.Completed, (await _h.OutcomeAsync(id)).Status);
        await _h.Client.WaitForInstanceCompletionAsync($"{id}-comms", TestContext.Current.CancellationToken);
        Assert.Single(_h.Notices, n => n.ReleaseId == id && n.NoticeId.StartsWith("post-deployment", StringComparison.Ordinal));
        Assert.DoesNotContain(_h.Timeline(id), t => t.Outcome == CommunicationOutcomes.Missed);
    }

    /// <summary>
    /// Issue 27, point 5: a release requested ten days before T has missed T-30 and T-14. The most recent of them, the
    /// feature freeze, goes out at once marked late; the planning announcement is reported missed, naming the late one.
    /// </summary>
    [Fact]
    public async Task RequestedLate_TheMostRecentNoticeAlreadyDue_GoesOutAtOnceMarkedLate_EarlierOnesAreMissed()
    {
        var target = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(10);
        var id = await _h.StartReleaseAsync(Request(Id("late"), ReleaseType.Minor, target));

        await _h.WaitForAsync(id, _ => _h.Notices.Any(n => n.ReleaseId == id && n.NoticeId.StartsWith("feature-freeze", StringComparison.Ordinal)), "the late feature freeze notice");

        var late = Assert.Single(_h.Notices, n => n.ReleaseId == id && n.NoticeId.StartsWith("feature-freeze", StringComparison.Ordinal));
        var due = ReleaseManagement.Policy.ProductionSlot.Of(FastPolicy(), target, ReleaseManagement.Policy.ProductionSlot.AsPlanned).Start.AddDays(-14);
        Assert.Equal(due, DateTimeOffset.Parse(late.Facts![NoticeFacts.LateDue], System.Globalization.CultureInfo.InvariantCulture));
        Assert.DoesNotContain(_h.Notices, n => n.ReleaseId == id && n.NoticeId.StartsWith("planning-announcement", StringComparison.Ordinal));
        var missed = Assert.Single(_h.Timeline(id), t => t.Outcome == CommunicationOutcomes.Missed);
        Assert.Equal("planning-announcement", missed.Subject);
        Assert.EndsWith("feature-freeze goes out late instead.", missed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_h.Notices, n => n.ReleaseId == id && n.NoticeId.StartsWith("testing-start", StringComparison.Ordinal));

        await _h.Client.RaiseEventAsync(id, Events.ReleaseEventNames.Cancel, new CancelRequest("late test done", "rm@example.com", DateTimeOffset.UtcNow), TestContext.Current.CancellationToken);
        Assert.Equal(ReleaseStatus.Cancelled, (await _h.OutcomeAsync(id)).Status);
    }

    [Fact]
    public async Task Completed_StakeholdersHearTheOutcome_WithTheReleaseNotes()
    {
        var request = Request(Id("completed"), ReleaseType.Minor);
        var id = await _h.StartReleaseAsync(request);
        await _h.SendAllAsync(id, EverythingPasses(id));
        Assert.Equal(ReleaseStatus.Completed, (await _h.OutcomeAsync(id)).Status);
        await _h.Client.WaitForInstanceCompletionAsync($"{id}-comms", TestContext.Current.CancellationToken);

        var outcome = Assert.Single(_h.Notices, n => n.ReleaseId == id && n.NoticeId == "outcome-completed");
        Assert.Equal(["stakeholder@example.com"], outcome.Recipients);
        // Issue 27, point 1: the T+1 report asks its readers for feedback (the send gives each a link); nothing else does.
        var report = Assert.Single(_h.Notices, n => n.ReleaseId == id && n.NoticeId.StartsWith("post-deployment-report@", StringComparison.Ordinal));
        Assert.True(report.AskFeedback);
        Assert.DoesNotContain(_h.Notices, n => n.ReleaseId == id && n.AskFeedback && n != report);
        Assert.Equal(NoticeTemplates.Completed, outcome.Template);
        Assert.Contains(_h.Timeline(id), t => t.Message == "Sent outcome-completed: Release completed (1 recipient(s)).");
    }

    [Fact]
    public async Task Cancelled_StakeholdersHearTheReason()
    {
        var id = await _h.StartReleaseAsync(Request(Id("cancelled"), ReleaseType.Minor));
        await _h.RaiseAsync(id, Milestone(id, "feature-complete"));
        await _h.WaitForAsync(id, r => r.Phase == ReleasePhase.Development, "development");

        await _h.Client.RaiseEventAsync(id, Events.ReleaseEventNames.Cancel, new CancelRequest("scope moved to Q1", "rm@example.com", DateTimeOffset.UtcNow), TestContext.Current.CancellationToken);
        Assert.Equal(ReleaseStatus.Cancelled, (await _h.OutcomeAsync(id)).Status);
        await _h.Client.WaitForInstanceCompletionAsync($"{id}-comms", TestContext.Current.CancellationToken);

        var notice = Assert.Single(_h.Notices, n => n.ReleaseId == id && n.NoticeId == "outcome-cancelled");
        Assert.Equal(NoticeTemplates.Cancelled, notice.Template);
        Assert.Equal(["stakeholder@example.com"], notice.Recipients);
        Assert.Contains("scope moved to Q1", notice.Facts![NoticeFacts.Reason], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rescheduled_StakeholdersHearTheOldAndNewDate()
    {
        var request = Request(Id("moved"), ReleaseType.Patch, targetDate: DateOnly.FromDateTime(DateTime.UtcNow).AddDays(7));
        var id = await _h.StartReleaseAsync(request);
        await _h.SendAllAsync(id, EverythingPasses(id));
        await _h.WaitForAsync(id, r => r.Stage == ReleaseStages.Window, "the window wait");

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await _h.Client.RaiseEventAsync(id, Events.ReleaseEventNames.Reschedule, new RescheduleRequest(today, "rm@example.com", DateTimeOffset.UtcNow), TestContext.Current.CancellationToken);
        Assert.Equal(ReleaseStatus.Completed, (await _h.OutcomeAsync(id)).Status);

        var moved = Assert.Single(_h.Notices, n => n.ReleaseId == id && n.NoticeId.StartsWith("rescheduled@", StringComparison.Ordinal));
        Assert.Equal(NoticeTemplates.Rescheduled, moved.Template);
        Assert.Equal(request.TargetDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), moved.Facts![NoticeFacts.PreviousTargetDate]);
        Assert.Equal(today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), moved.Facts![NoticeFacts.TargetDate]);
    }
}
