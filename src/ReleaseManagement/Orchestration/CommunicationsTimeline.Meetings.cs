using ReleaseManagement.Activities;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// The communication plan's meetings (version 4, <see cref="ReleaseMeeting"/>): invited when the timeline starts, moved
/// when the target date moves or the deployment slips past the review, cancelled when the release will not need them.
/// A meeting whose start has passed was held and is left alone.
/// </summary>
internal sealed partial class CommunicationsTimeline
{
    private readonly List<MeetingState> _meetings = [];

    private DateTimeOffset ReleaseAt => ProductionSlot.Of(_policy, _release, ProductionSlot.AsPlanned).Start;

    /// <summary>Every meeting of the release's type, invited at its time (or said not held when no time is left before T).</summary>
    private async Task InviteToMeetings()
    {
        if (!_input.HoldsMeetings)
        {
            return;
        }

        foreach (var meeting in _policy.Meetings.Where(m => m.AppliesTo(_release.Type)))
        {
            var state = new MeetingState(meeting);
            _meetings.Add(state);
            await Plan(state, MeetingSchedule.Start(_policy, meeting, ReleaseAt, Now), "the release is planned");
        }
    }

    /// <summary>The target date moved: each meeting not yet held moves with it (or is cancelled when it no longer fits before T).</summary>
    private async Task MoveMeetings(DateOnly date)
    {
        foreach (var state in _meetings.Where(s => !s.Cancelled && !Held(s)))
        {
            await Plan(state, MeetingSchedule.Start(_policy, state.Meeting, ReleaseAt, Now), $"the release moved to {date:yyyy-MM-dd}");
        }
    }

    /// <summary>
    /// The release is deployed and watched: a meeting before T not yet held is cancelled (the release went out before it);
    /// a review planned before now moves to the first of its days after the minimum notice.
    /// </summary>
    private async Task FinishMeetings()
    {
        var zone = PolicyTime.Zone(_policy);
        foreach (var state in _meetings.Where(s => !s.Cancelled))
        {
            if (!state.Meeting.AfterRelease)
            {
                if (!Held(state))
                {
                    await Cancel(state, "the release was deployed before it");
                }
            }
            else if (state.Start is not { } start || start < Now)
            {
                await Plan(state, MeetingSchedule.FirstAfter(zone, state.Meeting, Now + state.Meeting.MinimumNotice),
                    "the release was deployed and watched after the review's time");
            }
        }
    }

    /// <summary>
    /// The release ended without completing: cancelled or rejected, every meeting not yet held is cancelled; failed or rolled
    /// back, only those before T (the review stays: it is where the failure is discussed).
    /// </summary>
    private async Task StopMeetings(ReleaseStatus outcome, string reason)
    {
        var keepsReview = outcome is ReleaseStatus.Failed or ReleaseStatus.RolledBack;
        foreach (var state in _meetings.Where(s => !s.Cancelled && !Held(s) && !(keepsReview && s.Meeting.AfterRelease)))
        {
            await Cancel(state, reason);
        }
    }

    // Held: its time has passed; a review (after T) is held only once the release is deployed and watched (FinishMeetings moves
    // one whose time passed before that).
    private bool Held(MeetingState state) => state.Start is { } start && start <= Now && !state.Meeting.AfterRelease;

    // The meeting at start (null: it no longer fits before T): invited, moved, or cancelled; unchanged when it already is there.
    private async Task Plan(MeetingState state, DateTimeOffset? start, string why)
    {
        var m = state.Meeting;
        if (start is null)
        {
            if (state.Invited)
            {
                await Cancel(state, $"{why}, and no day of the meeting's before the production window leaves {PolicyTime.Describe(m.MinimumNotice)} notice");
            }
            else
            {
                await Note($"{m.Description} ({MeetingNoticeId(m)}) not held: no day of the meeting's before the production window leaves {PolicyTime.Describe(m.MinimumNotice)} notice.", subject: MeetingNoticeId(m));
                state.Cancelled = true;
            }

            return;
        }

        if (state.Invited && state.Start == start)
        {
            return;
        }

        var previous = state.Invited ? state.Start : null;
        var invite = new MeetingInvite(m.Id, m.Description, start.Value, start.Value + m.Duration, state.Invited ? state.Sequence + 1 : 0, false, previous)
        {
            Reason = previous is null ? null : why,
        };
        var local = PolicyTime.DescribeLocal(PolicyTime.Zone(_policy), start.Value);
        var description = previous is null ? $"{m.Description} on {local}" : $"{m.Description} moved to {local}";
        if (await SendMeeting(state, invite, description))
        {
            (state.Start, state.Sequence, state.Invited) = (start, invite.Sequence, true);
        }
    }

    private async Task Cancel(MeetingState state, string reason)
    {
        state.Cancelled = true;
        if (!state.Invited || state.Start is not { } start)
        {
            return;
        }

        var m = state.Meeting;
        var invite = new MeetingInvite(m.Id, m.Description, start, start + m.Duration, state.Sequence + 1, true) { Reason = reason };
        if (await SendMeeting(state, invite, $"{m.Description} cancelled: {reason}"))
        {
            state.Sequence = invite.Sequence;
        }
    }

    private Task<bool> SendMeeting(MeetingState state, MeetingInvite invite, string description)
    {
        var id = MeetingNoticeId(state.Meeting);
        var draft = new ReleaseNotice(_release.Id, $"{id}#{invite.Sequence}", $"[{_release.Id}] {description}", description, []) { Meeting = invite };
        return Notify(id, description, NoticeTemplates.Meeting, state.Meeting.Audiences, draft);
    }

    private static string MeetingNoticeId(ReleaseMeeting meeting) => "meeting-" + meeting.Id;

    /// <summary>One meeting of the release as the timeline holds it: when, the invite's SEQUENCE, whether it went out or was cancelled.</summary>
    private sealed class MeetingState(ReleaseMeeting meeting)
    {
        public ReleaseMeeting Meeting { get; } = meeting;

        public DateTimeOffset? Start { get; set; }

        public int Sequence { get; set; }

        public bool Invited { get; set; }

        public bool Cancelled { get; set; }
    }
}
