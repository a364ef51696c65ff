using Microsoft.DurableTask;
using ReleaseManagement.Activities;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// The T-30 … T+1 communication timeline as durable timers. A new target date (<see cref="RescheduleEvent"/>) re-plans
/// the notices not yet sent; <see cref="StopEvent"/> ends it (the release will not ship); <see cref="FinishEvent"/> says
/// the release is deployed and watched: the post-deployment notices go out now and the timeline ends.
/// Notices already due when the schedule is made are reported as missed, not sent late and not dropped silently.
/// </summary>
public static class CommunicationsOrchestrator
{
    public const string RescheduleEvent = "comms-reschedule";
    public const string StopEvent = "comms-stop";
    public const string FinishEvent = "comms-finish";

    /// <summary>Timeline lines of this sub-orchestration are numbered from here, apart from the release's own.</summary>
    private const int SequenceBase = 1_000_000;

    public static async Task<CommunicationsResult> RunAsync(TaskOrchestrationContext context, CommunicationsInput input)
    {
        var policy = PolicyJson.Deserialize(input.PolicyJson);
        var release = input.Release;
        var approvers = ApproverDirectory.Resolve(policy, release.Systems, release.Approvers);
        var sent = new List<string>();
        var missed = new List<string>();
        var skipped = new List<string>();
        var sequence = SequenceBase;
        var inviteSent = false;
        var usesInvites = policy.Communications.Any(c => c.Attach.Contains(CommunicationAttachments.Invite));
        var inviteSequence = 0;
        var reschedule = context.WaitForExternalEvent<DateOnly>(RescheduleEvent);
        var stop = context.WaitForExternalEvent<CommunicationsStop>(StopEvent);
        var finish = context.WaitForExternalEvent<DateTimeOffset>(FinishEvent);
        var now = new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero);

        async Task Note(string message, ReleaseWarning? warning = null) => await context.RecordReleaseStatusAsync(
            new ReleaseStatusUpdate(release.Id, ReleasePhase.Planning, ReleaseStatus.Active, message, Now(context), Timeline:
                new TimelineEntry(++sequence, Now(context), ReleasePhase.Planning, warning is null ? TimelineKinds.Communication : TimelineKinds.Warning, message),
                TimelineOnly: true, Warnings: warning is null ? null : [warning]));

        // One rule for every notice: the audiences resolve to people and channels; an audience that reaches nobody is a
        // warning on the release and the timeline says "not sent", never "sent".
        async Task<bool> Notify(string id, string description, string template, IReadOnlyList<string> audiences, ReleaseNotice draft)
        {
            var audience = AudienceResolver.Resolve(policy, release.Systems, approvers, release.Audiences, audiences);
            var nobody = string.Join(", ", audience.Empty);
            if (!audience.ReachesAnyone)
            {
                var message = $"{description} ({id}) not sent: audience {nobody} has no recipients.";
                await Note(message, new ReleaseWarning(NoticeWarnings.NotSent, message, Now(context)));
                return false;
            }

            var notice = draft with
            {
                Recipients = audience.Recipients,
                Webhooks = audience.Webhooks,
                Template = template,
                Description = description,
            };
            var count = await context.SendReleaseNoticeAsync(notice);
            var channels = audience.Webhooks.Count > 0 ? $" and {audience.Webhooks.Count} channel(s)" : string.Empty;
            await Note($"Sent {id}: {description} ({count} recipient(s){channels}).");
            if (audience.Empty.Count > 0)
            {
                var message = $"{description} ({id}) not sent to audience {nobody}: it has no recipients.";
                await Note(message, new ReleaseWarning(NoticeWarnings.NotSent, message, Now(context)));
            }

            return true;
        }

        async Task Send(ScheduledCommunication c)
        {
            var invite = c.Attach.Contains(CommunicationAttachments.Invite);
            var draft = new ReleaseNotice(release.Id, $"{c.Id}@{release.TargetDate:yyyy-MM-dd}", $"[{release.Id}] {c.Description}", c.Description, [])
            {
                AttachInvite = invite,
                InviteSequence = inviteSequence,
                AttachNotes = c.Attach.Contains(CommunicationAttachments.ReleaseNotes),
            };
            if (await Notify(c.Id, c.Description, c.Template, c.Audiences, draft))
            {
                sent.Add(c.Id);
                inviteSent |= invite;
            }
        }

        async Task Outcome(ReleaseStatus status, string reason)
        {
            var (template, description) = OutcomeTemplate(status);
            var cancelInvite = inviteSent && status != ReleaseStatus.Completed;
            var draft = new ReleaseNotice(release.Id, $"outcome-{status}".ToLowerInvariant(), $"[{release.Id}] {description}", reason, [])
            {
                Facts = new Dictionary<string, string> { [NoticeFacts.Reason] = reason, [NoticeFacts.Outcome] = status.ToString() },
                AttachInvite = cancelInvite,
                CancelInvite = cancelInvite,
                InviteSequence = inviteSequence + (cancelInvite ? 1 : 0),
                AttachNotes = status == ReleaseStatus.Completed,
            };
            if (await Notify($"outcome-{status}".ToLowerInvariant(), description, template, policy.OutcomeAudiences, draft))
            {
                sent.Add(draft.NoticeId);
            }
        }

        var schedule = CommunicationSchedule.For(policy, release, now);
        foreach (var c in schedule.Where(c => c.Status == CommunicationStatus.Missed))
        {
            missed.Add(c.Id);
            await Note($"Missed {c.Id}: {c.Description} was due {c.At:u}, before the release was planned.");
        }

        var handled = new HashSet<string>(missed, StringComparer.Ordinal);
        while (true)
        {
            // When every notice of the timeline is handled the timeline still waits for the release's end: its outcome is told.
            var next = schedule.FirstOrDefault(c => !handled.Contains(c.Id));
            using var cts = new CancellationTokenSource();
            var timer = next is null ? null : context.CreateTimer(next.At.UtcDateTime, cts.Token);
            var winner = timer is null ? await Task.WhenAny(reschedule, stop, finish) : await Task.WhenAny(timer, reschedule, stop, finish);
            if (winner != timer)
            {
                cts.Cancel();
            }

            if (winner == stop)
            {
                foreach (var c in schedule.Where(c => !handled.Contains(c.Id)))
                {
                    skipped.Add(c.Id);
                }

                var why = await stop;
                await Note($"Communication timeline stopped: {why.Reason}");
                await Outcome(why.Outcome, why.Reason);
                return new CommunicationsResult(sent, missed, skipped);
            }

            if (winner == finish)
            {
                foreach (var c in schedule.Where(c => !handled.Contains(c.Id)))
                {
                    if (c.Offset > TimeSpan.Zero)
                    {
                        await Send(c);
                    }
                    else
                    {
                        skipped.Add(c.Id);
                    }
                }

                await Outcome(ReleaseStatus.Completed, "Released to production; success criteria met.");
                return new CommunicationsResult(sent, missed, skipped);
            }

            if (winner == reschedule)
            {
                var date = await reschedule;
                reschedule = context.WaitForExternalEvent<DateOnly>(RescheduleEvent);
                var previous = release.TargetDate;
                release = release with { TargetDate = date };
                schedule = CommunicationSchedule.For(policy, release, Now(context));
                // The window moves in people's calendars: the invite goes out again with a higher SEQUENCE.
                inviteSequence++;

                var moved = new ReleaseNotice(release.Id, $"rescheduled@{date:yyyy-MM-dd}", $"[{release.Id}] Release rescheduled", $"Moved from {previous:yyyy-MM-dd} to {date:yyyy-MM-dd}.", [])
                {
                    Facts = new Dictionary<string, string> { [NoticeFacts.PreviousTargetDate] = previous.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) },
                    AttachInvite = usesInvites,
                    InviteSequence = inviteSequence,
                };
                var told = await Notify("rescheduled", "Release rescheduled", NoticeTemplates.Rescheduled, policy.OutcomeAudiences, moved);
                inviteSent |= usesInvites && told;
                foreach (var c in schedule.Where(c => !handled.Contains(c.Id) && c.Status == CommunicationStatus.Missed))
                {
                    // A notice whose new time has passed but was never sent goes out now: moving the date must not lose it.
                    await Send(c);
                    handled.Add(c.Id);
                }

                await Note($"Communication timeline re-planned for {date:yyyy-MM-dd}.");
                continue;
            }

            await Send(next!);
            handled.Add(next!.Id);
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

    private static DateTimeOffset Now(TaskOrchestrationContext context) => new(context.CurrentUtcDateTime, TimeSpan.Zero);
}
