using Microsoft.DurableTask;
using ReleaseManagement.Activities;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// The T-30 … T+1 communication timeline as durable timers. A new target date (<see cref="RescheduleEvent"/>) re-plans
/// the notices not yet sent; <see cref="StopEvent"/> ends it (the release will not ship); <see cref="FinishEvent"/> says
/// the release is deployed and watched: the post-deployment notices go out now and the timeline ends.
/// Notices already due when the schedule is made are reported as missed, never dropped silently; on version 2 the most
/// recent of them goes out at once, marked late (a release requested late still hears where it stands). A notice
/// after T (T+1) has no timer of its own (<see cref="CommunicationsInput.AfterDeploymentWaitsForIt"/>): it goes out when the
/// release is deployed and watched (the finish event, after the 24-hour watch: a day after the production deployment), so a
/// deployment that slips never has its status report sent before it.
/// </summary>
public static class CommunicationsOrchestrator
{
    public const string RescheduleEvent = "comms-reschedule";
    public const string StopEvent = "comms-stop";
    public const string FinishEvent = "comms-finish";

    public static async Task<CommunicationsResult> RunAsync(TaskOrchestrationContext context, CommunicationsInput input)
    {
        var policy = PolicyJson.Deserialize(input.PolicyJson);
        EffectJournal.Attach(context, input.Done);
        var release = input.Release;
        var approvers = ApproverDirectory.Resolve(policy, release.Systems, release.Approvers);
        var sent = new List<string>();
        var missed = new List<string>();
        var skipped = new List<string>();
        // Its timeline lines are its own (writer communications), numbered from 1 apart from the lifecycle's.
        var sequence = 0;
        var inviteSent = false;
        var usesInvites = policy.Communications.Any(c => c.Attach.Contains(CommunicationAttachments.Invite));
        var inviteSequence = 0;
        var reschedule = context.WaitForExternalEvent<DateOnly>(RescheduleEvent);
        var stop = context.WaitForExternalEvent<CommunicationsStop>(StopEvent);
        var finish = context.WaitForExternalEvent<DateTimeOffset>(FinishEvent);
        var now = new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero);

        // A line of the communication timeline; with the warning it raises or clears, if any. It leaves the release's standing alone.
        ReleaseWrite[] Line(string message, ReleaseWarning? warning, string? cleared = null, string? subject = null, string? outcome = null, int? recipients = null)
        {
            var at = Now(context);
            var kind = warning is null && cleared is null ? TimelineKinds.Communication : TimelineKinds.Warning;
            var note = new TimelineNote(release.Id, new TimelineEntry(++sequence, at, null, kind, message, TimelineWriters.Communications, subject, outcome, recipients));
            return warning is not null ? [note, WarningChange.Raise(release.Id, warning)]
                : cleared is not null ? [note, WarningChange.Clear(release.Id, at, cleared)]
                : [note];
        }

        // An outage of a dependency is waited out here too (as EffectGuard does for the release's own effects): the effect is
        // tried again on durable timers, the policy's resilience.backoff apart, with a dependency-unavailable warning on the
        // release (written in one try: storage may be what is down) that clears when it succeeds. Past maxOutage the warning
        // says so and the tries go on; a release that ends meanwhile (the stop event) lets a scheduled notice go.
        async Task<T> Guarded<T>(string dependency, string what, Func<Task<T>> call, T skippedValue)
        {
            DateTimeOffset? since = null;
            var wait = policy.Resilience.Backoff.Initial;
            var escalated = false;
            var stoppable = !stop.IsCompleted;
            while (true)
            {
                try
                {
                    var result = await call();
                    if (since is { } began)
                    {
                        await TryWrite(Line($"The {dependency} answered again: {what} done after an outage since {began:yyyy-MM-dd HH:mm:ss} UTC.", null, Dependencies.WarningCode));
                    }

                    return result;
                }
                catch (TaskFailedException e)
                {
                    var at = Now(context);
                    var reason = e.FailureDetails?.ErrorMessage ?? e.Message;
                    reason = reason.Length > 300 ? reason[..300] + "…" : reason;
                    if (since is null || (!escalated && at - since.Value >= policy.Resilience.MaxOutage))
                    {
                        escalated = since is not null;
                        since ??= at;
                        var message = escalated
                            ? $"The {dependency} is unavailable since {since:yyyy-MM-dd HH:mm:ss} UTC, longer than resilience.maxOutage: {what} is still tried; a release manager should look at the {dependency} ({reason})."
                            : $"The {dependency} is unavailable since {since:yyyy-MM-dd HH:mm:ss} UTC: {what} waits and is tried again ({reason}).";
                        await TryWrite(Line(message, new ReleaseWarning(Dependencies.WarningCode, message, since.Value)));
                    }
                }

                using var cts = new CancellationTokenSource();
                var timer = context.CreateTimer(Now(context).Add(wait).UtcDateTime, cts.Token);
                wait = policy.Resilience.Backoff.Next(wait);
                if (stoppable && await Task.WhenAny(timer, stop) == stop)
                {
                    cts.Cancel();
                    await TryWrite(Line($"{what} not sent: the release ended while the {dependency} was unavailable.", null, Dependencies.WarningCode));
                    return skippedValue;
                }

                await timer;
            }
        }

        async Task TryWrite(ReleaseWrite[] writes)
        {
            try
            {
                await context.RecordReleaseStatusOnceAsync(writes);
            }
            catch (TaskFailedException)
            {
                // Storage is down too: the line is lost, the effect is not (it is still tried).
            }
        }

        async Task Note(string message, ReleaseWarning? warning = null, string? subject = null, string? outcome = null, int? recipients = null)
        {
            var line = Line(message, warning, subject: subject, outcome: outcome, recipients: recipients);
            await Guarded(Dependencies.Storage, "the communication timeline's status line", async () =>
            {
                await context.RecordReleaseStatusAsync(line);
                return true;
            }, false);
        }

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
            var count = await Guarded(Dependencies.Mail, $"the notice {id}", () => context.SendReleaseNoticeAsync(notice), -1);
            if (count < 0)
            {
                return false;
            }

            var channels = audience.Webhooks.Count > 0 ? $" and {audience.Webhooks.Count} channel(s)" : string.Empty;
            await Note($"Sent {id}: {description} ({count} recipient(s){channels}).", subject: id, outcome: CommunicationOutcomes.Sent, recipients: count);
            if (audience.Empty.Count > 0)
            {
                var message = $"{description} ({id}) not sent to audience {nobody}: it has no recipients.";
                await Note(message, new ReleaseWarning(NoticeWarnings.NotSent, message, Now(context)));
            }

            return true;
        }

        async Task Send(ScheduledCommunication c, bool late = false)
        {
            var invite = c.Attach.Contains(CommunicationAttachments.Invite);
            var draft = new ReleaseNotice(release.Id, $"{c.Id}@{release.TargetDate:yyyy-MM-dd}", $"[{release.Id}] {c.Description}", c.Description, [])
            {
                AttachInvite = invite,
                InviteSequence = inviteSequence,
                AttachNotes = c.Attach.Contains(CommunicationAttachments.ReleaseNotes),
                Facts = late ? new Dictionary<string, string> { [NoticeFacts.LateDue] = c.At.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture) } : null,
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

        // On the clock: every notice of the timeline, or (version 2) those up to T; the later ones wait for the finish event.
        bool OnTheClock(ScheduledCommunication c) => !input.AfterDeploymentWaitsForIt || c.Offset <= TimeSpan.Zero;
        var schedule = CommunicationSchedule.For(policy, release, now);
        // A release requested late: of the notices already due, the most recent goes out now, marked late (version 2); the
        // earlier ones are reported missed.
        var due = schedule.Where(c => c.Status == CommunicationStatus.Missed && OnTheClock(c)).ToArray();
        var late = input.SendsTheLatestDueLate && due.Length > 0 ? due[^1] : null;
        foreach (var c in due.Where(c => c != late))
        {
            missed.Add(c.Id);
            var instead = late is null ? "" : $" {late.Id} goes out late instead.";
            await Note($"Missed {c.Id}: {c.Description} was due {c.At:u}, before the release was planned.{instead}", subject: c.Id, outcome: CommunicationOutcomes.Missed);
        }

        var handled = new HashSet<string>(missed, StringComparer.Ordinal);
        if (late is not null)
        {
            await Note($"Late {late.Id}: {late.Description} was due {late.At:u}, before the release was planned; it goes out now.", subject: late.Id);
            await Send(late, late: true);
            handled.Add(late.Id);
        }
        while (true)
        {
            // When every notice of the timeline is handled the timeline still waits for the release's end: its outcome is told.
            var next = schedule.FirstOrDefault(c => !handled.Contains(c.Id) && OnTheClock(c));
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
                    Facts = new Dictionary<string, string>
                    {
                        [NoticeFacts.PreviousTargetDate] = previous.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                        [NoticeFacts.TargetDate] = date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                    },
                    AttachInvite = usesInvites,
                    InviteSequence = inviteSequence,
                };
                var told = await Notify("rescheduled", "Release rescheduled", NoticeTemplates.Rescheduled, policy.OutcomeAudiences, moved);
                inviteSent |= usesInvites && told;
                foreach (var c in schedule.Where(c => !handled.Contains(c.Id) && c.Status == CommunicationStatus.Missed && OnTheClock(c)))
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
