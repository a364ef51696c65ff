using Microsoft.DurableTask;
using ReleaseManagement.Activities;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// One run of the communication timeline (<see cref="CommunicationsOrchestrator"/>): the state its steps share and the
/// notices as they come due. Its status lines, outage handling and sends are in CommunicationsTimeline.Effects.cs; the
/// confirmations a notice asks for in CommunicationsTimeline.Confirmations.cs; the meetings in CommunicationsTimeline.Meetings.cs. Deterministic as every orchestration: it
/// reads time and events from the context only, and does all its work through activities.
/// </summary>
internal sealed partial class CommunicationsTimeline
{
    private readonly TaskOrchestrationContext _context;
    private readonly CommunicationsInput _input;
    private readonly ReleasePolicy _policy;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<string>> _approvers;
    private readonly List<string> _sent = [];
    private readonly List<string> _missed = [];
    private readonly List<string> _skipped = [];
    private readonly bool _usesInvites;
    private readonly Task<CommunicationsStop> _stop;
    private readonly Task<DateTimeOffset> _finish;
    private ReleaseRequest _release;
    private Task<DateOnly> _reschedule;

    // Its timeline lines are its own (writer communications), numbered from 1 apart from the lifecycle's.
    private int _sequence;
    private bool _inviteSent;
    private int _inviteSequence;

    public CommunicationsTimeline(TaskOrchestrationContext context, CommunicationsInput input)
    {
        _context = context;
        _input = input;
        _policy = PolicyJson.Deserialize(input.PolicyJson);
        EffectJournal.Attach(context, input.Done);
        _release = input.Release;
        _approvers = ApproverDirectory.Resolve(_policy, _release.Systems, _release.Approvers);
        _usesInvites = _policy.Communications.Any(c => c.Attach.Contains(CommunicationAttachments.Invite));
        _reschedule = context.WaitForExternalEvent<DateOnly>(CommunicationsOrchestrator.RescheduleEvent);
        _stop = context.WaitForExternalEvent<CommunicationsStop>(CommunicationsOrchestrator.StopEvent);
        _finish = context.WaitForExternalEvent<DateTimeOffset>(CommunicationsOrchestrator.FinishEvent);
    }

    private DateTimeOffset Now => new(_context.CurrentUtcDateTime, TimeSpan.Zero);

    public async Task<CommunicationsResult> RunAsync()
    {
        var now = Now;
        var schedule = CommunicationSchedule.For(_policy, _release, now);
        // A release requested late: of the notices already due, the most recent goes out now, marked late (version 2); the
        // earlier ones are reported missed.
        var due = schedule.Where(c => c.Status == CommunicationStatus.Missed && OnTheClock(c)).ToArray();
        var late = _input.SendsTheLatestDueLate && due.Length > 0 ? due[^1] : null;
        foreach (var c in due.Where(c => c != late))
        {
            _missed.Add(c.Id);
            var instead = late is null ? "" : $" {late.Id} goes out late instead.";
            await Note($"Missed {c.Id}: {c.Description} was due {c.At:u}, before the release was planned.{instead}", subject: c.Id, outcome: CommunicationOutcomes.Missed);
        }

        var handled = new HashSet<string>(_missed, StringComparer.Ordinal);
        if (late is not null)
        {
            await Note($"Late {late.Id}: {late.Description} was due {late.At:u}, before the release was planned; it goes out now.", subject: late.Id);
            await Send(late, late: true);
            handled.Add(late.Id);
        }

        await InviteToMeetings();
        while (true)
        {
            // When every notice of the timeline is handled the timeline still waits for the release's end: its outcome is told.
            var next = schedule.FirstOrDefault(c => !handled.Contains(c.Id) && OnTheClock(c));
            using var cts = new CancellationTokenSource();
            var timer = next is null ? null : _context.CreateTimer(next.At.UtcDateTime, cts.Token);
            using var recheckCts = new CancellationTokenSource();
            var recheck = _unconfirmed.Count == 0 ? null
                : _context.CreateTimer(Now.Add(_unconfirmed.Min(u => u.RecheckEvery)).UtcDateTime, recheckCts.Token);
            // In the order they were always waited on (a replayed history picks the same winner), the re-check last.
            var waits = new List<Task>(5);
            if (timer is not null)
            {
                waits.Add(timer);
            }

            waits.AddRange([_reschedule, _stop, _finish]);
            if (recheck is not null)
            {
                waits.Add(recheck);
            }

            var winner = await Task.WhenAny(waits);
            if (winner != timer)
            {
                cts.Cancel();
            }

            if (winner != recheck)
            {
                recheckCts.Cancel();
            }

            if (winner == recheck)
            {
                await Recheck();
                continue;
            }

            if (winner == _stop)
            {
                foreach (var c in schedule.Where(c => !handled.Contains(c.Id)))
                {
                    _skipped.Add(c.Id);
                }

                var why = await _stop;
                await StopAwaitingConfirmations("the release ended");
                await StopMeetings(why.Outcome, why.Reason);
                await Note($"Communication timeline stopped: {why.Reason}");
                await Outcome(why.Outcome, why.Reason);
                return new CommunicationsResult(_sent, _missed, _skipped);
            }

            if (winner == _finish)
            {
                foreach (var c in schedule.Where(c => !handled.Contains(c.Id)))
                {
                    if (c.Offset > TimeSpan.Zero)
                    {
                        await Send(c);
                    }
                    else
                    {
                        _skipped.Add(c.Id);
                    }
                }

                await StopAwaitingConfirmations("the release is deployed");
                await FinishMeetings();
                await Outcome(ReleaseStatus.Completed, "Released to production; success criteria met.");
                return new CommunicationsResult(_sent, _missed, _skipped);
            }

            if (winner == _reschedule)
            {
                var date = await _reschedule;
                _reschedule = _context.WaitForExternalEvent<DateOnly>(CommunicationsOrchestrator.RescheduleEvent);
                var previous = _release.TargetDate;
                _release = _release with { TargetDate = date };
                schedule = CommunicationSchedule.For(_policy, _release, Now);
                // The window moves in people's calendars: the invite goes out again with a higher SEQUENCE.
                _inviteSequence++;

                var moved = new ReleaseNotice(_release.Id, $"rescheduled@{date:yyyy-MM-dd}", $"[{_release.Id}] Release rescheduled", $"Moved from {previous:yyyy-MM-dd} to {date:yyyy-MM-dd}.", [])
                {
                    Facts = new Dictionary<string, string>
                    {
                        [NoticeFacts.PreviousTargetDate] = previous.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                        [NoticeFacts.TargetDate] = date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                    },
                    AttachInvite = _usesInvites,
                    InviteSequence = _inviteSequence,
                };
                var told = await Notify("rescheduled", "Release rescheduled", NoticeTemplates.Rescheduled, _policy.OutcomeAudiences, moved);
                _inviteSent |= _usesInvites && told;
                foreach (var c in schedule.Where(c => !handled.Contains(c.Id) && c.Status == CommunicationStatus.Missed && OnTheClock(c)))
                {
                    // A notice whose new time has passed but was never sent goes out now: moving the date must not lose it.
                    await Send(c);
                    handled.Add(c.Id);
                }

                await MoveMeetings(date);
                await Note($"Communication timeline re-planned for {date:yyyy-MM-dd}.");
                continue;
            }

            await Send(next!);
            handled.Add(next!.Id);
        }
    }

    // On the clock: every notice of the timeline, or (version 2) those up to T; the later ones wait for the finish event.
    private bool OnTheClock(ScheduledCommunication c) => !_input.AfterDeploymentWaitsForIt || c.Offset <= TimeSpan.Zero;

    private async Task Send(ScheduledCommunication c, bool late = false)
    {
        await CheckConfirmationsDueAt(c);
        var invite = c.Attach.Contains(CommunicationAttachments.Invite);
        var facts = new Dictionary<string, string>(StringComparer.Ordinal);
        if (late)
        {
            facts[NoticeFacts.LateDue] = c.At.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        }

        // A notice asking for a confirmation goes to those who give it too.
        var confirm = _input.AsksForConfirmations ? c.Confirm : null;
        var audiences = c.Audiences;
        if (confirm is not null)
        {
            facts[NoticeFacts.ConfirmItem] = confirm.Item;
            audiences = [.. c.Audiences, .. confirm.Roles.Select(r => ContactEntry.RolePrefix + r)];
        }

        var draft = new ReleaseNotice(_release.Id, $"{c.Id}@{_release.TargetDate:yyyy-MM-dd}", $"[{_release.Id}] {c.Description}", c.Description, [])
        {
            AttachInvite = invite,
            InviteSequence = _inviteSequence,
            AttachNotes = c.Attach.Contains(CommunicationAttachments.ReleaseNotes),
            Facts = facts.Count > 0 ? facts : null,
            AskFeedback = _input.HoldsMeetings && c.AskFeedback,
        };
        if (await Notify(c.Id, c.Description, c.Template, audiences, draft))
        {
            _sent.Add(c.Id);
            _inviteSent |= invite;
            if (confirm is not null && !_asked.Contains(confirm))
            {
                _asked.Add(confirm);
            }
        }
    }

    private async Task Outcome(ReleaseStatus status, string reason)
    {
        var (template, description) = OutcomeTemplate(status);
        var cancelInvite = _inviteSent && status != ReleaseStatus.Completed;
        var draft = new ReleaseNotice(_release.Id, $"outcome-{status}".ToLowerInvariant(), $"[{_release.Id}] {description}", reason, [])
        {
            Facts = new Dictionary<string, string> { [NoticeFacts.Reason] = reason, [NoticeFacts.Outcome] = status.ToString() },
            AttachInvite = cancelInvite,
            CancelInvite = cancelInvite,
            InviteSequence = _inviteSequence + (cancelInvite ? 1 : 0),
            AttachNotes = status == ReleaseStatus.Completed,
        };
        if (await Notify($"outcome-{status}".ToLowerInvariant(), description, template, _policy.OutcomeAudiences, draft))
        {
            _sent.Add(draft.NoticeId);
        }
    }

    private static (string Template, string Description) OutcomeTemplate(ReleaseStatus status) => status switch
    {
        ReleaseStatus.Completed => (NoticeTemplates.Completed, "Release completed"),
        ReleaseStatus.RolledBack => (NoticeTemplates.RolledBack, "Release rolled back"),
        ReleaseStatus.Cancelled => (NoticeTemplates.Cancelled, "Release cancelled"),
        ReleaseStatus.Rejected => (NoticeTemplates.Rejected, "Release rejected"),
        _ => (NoticeTemplates.Failed, "Release failed"),
    };

}
