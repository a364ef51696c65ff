using ReleaseManagement.Activities;
using ReleaseManagement.Events;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;
using static ReleaseManagement.Tests.Orchestration.LifecycleHarness;

namespace ReleaseManagement.Tests.Orchestration;

/// <summary>
/// Issue 27, point 3: the communication plan's planning and review meetings as invites, on the real replay engine. The
/// policy is in UTC and its meetings may be held any day, so the expected times do not depend on the day the test runs.
/// </summary>
public sealed class MeetingTests : IAsyncLifetime
{
    private static readonly IReadOnlyList<DayOfWeek> EveryDay = Enum.GetValues<DayOfWeek>();

    private LifecycleHarness _h = null!;

    public async ValueTask InitializeAsync() => _h = await LifecycleHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    private static DateTimeOffset At(DateOnly date, TimeOnly time) => new(date.ToDateTime(time), TimeSpan.Zero);

    private static ReleaseMeeting Meeting(string id, TimeSpan offset, TimeOnly start, params string[] audiences) => new()
    {
        Id = id, Description = id == "planning" ? "Release planning meeting" : "Release review meeting", Offset = offset, Start = start,
        Audiences = audiences, Days = EveryDay, MinimumNotice = TimeSpan.Zero,
    };

    private Task<ReleaseNotice> Invite(string id, string meeting, int sequence) => _h.NoticeAsync(id, $"meeting-{meeting}#{sequence}");

    [Fact]
    public async Task Meetings_InvitedWhenPlanned_MoveWithTheDate_ThenAreCancelledWithTheRelease()
    {
        var policy = FastPolicy() with
        {
            Meetings =
            [
                Meeting("planning", TimeSpan.FromDays(-3), TimeOnly.MinValue, "development-team"),
                Meeting("review", TimeSpan.FromDays(2), new TimeOnly(14, 0), "stakeholders"),
            ],
        };
        var id = await _h.StartReleaseAsync(Request($"meet-{Guid.NewGuid():N}"[..24], ReleaseType.Patch, Today.AddDays(10)), policy);

        // Invited as the release is planned, each to its audience, at its offset's day and local time (T is 00:00 UTC).
        var planning = (await Invite(id, "planning", 0)).Meeting!;
        var review = await Invite(id, "review", 0);
        Assert.Equal(NoticeTemplates.Meeting, review.Template);
        Assert.Equal(["stakeholder@example.com"], review.Recipients);
        Assert.Equal(["lead@example.com", "po@example.com"], (await Invite(id, "planning", 0)).Recipients);
        Assert.Equal((At(Today.AddDays(7), TimeOnly.MinValue), At(Today.AddDays(7), new TimeOnly(1, 0)), false), (planning.Start, planning.End, planning.Cancelled));
        Assert.Equal(At(Today.AddDays(12), new TimeOnly(14, 0)), review.Meeting!.Start);

        // The date moves ten days later: both move, naming where they were.
        await _h.Client.RaiseEventAsync(id, ReleaseEventNames.Reschedule, new RescheduleRequest(Today.AddDays(20), "rm@example.com", DateTimeOffset.UtcNow), Ct);
        var planning1 = (await Invite(id, "planning", 1)).Meeting!;
        var review1 = (await Invite(id, "review", 1)).Meeting!;
        Assert.Equal((At(Today.AddDays(17), TimeOnly.MinValue), planning.Start), (planning1.Start, planning1.PreviousStart));
        Assert.Equal((At(Today.AddDays(22), new TimeOnly(14, 0)), review.Meeting.Start), (review1.Start, review1.PreviousStart));
        Assert.Contains("moved to", review1.Reason, StringComparison.Ordinal);

        // Then to tomorrow: the planning meeting no longer fits before T and is cancelled; the review follows the date.
        await _h.Client.RaiseEventAsync(id, ReleaseEventNames.Reschedule, new RescheduleRequest(Today.AddDays(1), "rm@example.com", DateTimeOffset.UtcNow), Ct);
        var cancelled = (await Invite(id, "planning", 2)).Meeting!;
        Assert.True(cancelled.Cancelled);
        Assert.Equal(planning1.Start, cancelled.Start);
        Assert.Contains("no day of the meeting's before the production window", cancelled.Reason, StringComparison.Ordinal);
        Assert.Equal(At(Today.AddDays(3), new TimeOnly(14, 0)), (await Invite(id, "review", 2)).Meeting!.Start);

        // The release is cancelled: the review is too; the planning meeting, cancelled already, is not told again.
        await _h.Client.RaiseEventAsync(id, ReleaseEventNames.Cancel, new CancelRequest("meeting test done", "rm@example.com", DateTimeOffset.UtcNow), Ct);
        Assert.Equal(ReleaseStatus.Cancelled, (await _h.OutcomeAsync(id)).Status);
        await _h.Client.WaitForInstanceCompletionAsync($"{id}-comms", Ct);
        var reviewCancelled = (await Invite(id, "review", 3)).Meeting!;
        Assert.True(reviewCancelled.Cancelled);
        Assert.Contains("meeting test done", reviewCancelled.Reason, StringComparison.Ordinal);
        Assert.Equal(3, _h.Notices.Count(n => n.ReleaseId == id && n.Meeting?.MeetingId == "planning"));
        Assert.Equal(4, _h.Notices.Count(n => n.ReleaseId == id && n.Meeting?.MeetingId == "review"));
    }

    [Fact]
    public async Task Review_ItsTimePassesBeforeTheReleaseIsWatched_MovesAfterTheWatch_APlanningMeetingWithNoTimeLeftIsNotHeld()
    {
        // T is today 00:00 UTC, already past: no planning meeting fits before it. The review is due 25 s after the test
        // starts, while the release is deployed and watched for 40 s at least: its time passes before the release is done.
        // (At 10 s and a 15 s watch, a loaded machine once sent the first invitation after the review's time had passed,
        // so it went out already moved: the margins are for the machine, not the rule.)
        var due = DateTimeOffset.UtcNow.AddSeconds(25);
        var releaseAt = At(Today, TimeOnly.MinValue);
        var policy = FastPolicy() with
        {
            SuccessCriteria = FastPolicy().SuccessCriteria with { WatchDuration = TimeSpan.FromSeconds(40) },
            Meetings =
            [
                Meeting("planning", TimeSpan.FromDays(-1), new TimeOnly(10, 0), "development-team"),
                Meeting("review", due - releaseAt, TimeOnly.FromDateTime(due.UtcDateTime), "stakeholders"),
            ],
        };
        var id = await _h.StartReleaseAsync(Request($"slip-{Guid.NewGuid():N}"[..24], ReleaseType.Patch, Today), policy);

        var review = (await Invite(id, "review", 0)).Meeting!;
        Assert.Equal(due, review.Start);
        await _h.SendAllAsync(id, EverythingPasses(id));
        Assert.Equal(ReleaseStatus.Completed, (await _h.OutcomeAsync(id)).Status);
        await _h.Client.WaitForInstanceCompletionAsync($"{id}-comms", Ct);

        // Moved to the first day after the release was watched, at its time of day, naming why.
        var moved = (await Invite(id, "review", 1)).Meeting!;
        Assert.Equal((due.AddDays(1), due, false), (moved.Start, moved.PreviousStart, moved.Cancelled));
        Assert.Contains("deployed and watched", moved.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(_h.Notices, n => n.ReleaseId == id && n.Meeting?.MeetingId == "planning");
        Assert.Contains(_h.Timeline(id), t => t.Subject == "meeting-planning"
            && t.Message.StartsWith("Release planning meeting (meeting-planning) not held:", StringComparison.Ordinal));
    }
}
