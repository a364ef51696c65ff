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
        var reschedule = context.WaitForExternalEvent<DateOnly>(RescheduleEvent);
        var stop = context.WaitForExternalEvent<string>(StopEvent);
        var finish = context.WaitForExternalEvent<DateTimeOffset>(FinishEvent);
        var now = new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero);

        async Task Note(string message) => await context.RecordReleaseStatusAsync(
            new ReleaseStatusUpdate(release.Id, ReleasePhase.Planning, ReleaseStatus.Active, message, Now(context), Timeline:
                new TimelineEntry(++sequence, Now(context), ReleasePhase.Planning, TimelineKinds.Communication, message), TimelineOnly: true));

        async Task Send(ScheduledCommunication c)
        {
            var recipients = ReleaseContacts.Resolve(approvers, c.Audiences);
            var text = $"{c.Description} for release {release.Id} ({release.Title}), a {release.Type} release of {string.Join(", ", release.Systems)} " +
                $"targeting {release.TargetDate:yyyy-MM-dd}. Template: {c.Template}.";
            await context.SendReleaseNoticeAsync(
                new ReleaseNotice(release.Id, $"{c.Id}@{release.TargetDate:yyyy-MM-dd}", $"[{release.Id}] {c.Description}", text, recipients));
            sent.Add(c.Id);
            await Note($"Sent {c.Id}: {c.Description} ({recipients.Count} recipient(s)).");
        }

        var schedule = CommunicationSchedule.For(policy, release.TargetDate, now);
        foreach (var c in schedule.Where(c => c.Status == CommunicationStatus.Missed))
        {
            missed.Add(c.Id);
            await Note($"Missed {c.Id}: {c.Description} was due {c.At:u}, before the release was planned.");
        }

        var handled = new HashSet<string>(missed, StringComparer.Ordinal);
        while (true)
        {
            var next = schedule.FirstOrDefault(c => !handled.Contains(c.Id));
            if (next is null)
            {
                return new CommunicationsResult(sent, missed, skipped);
            }

            using var cts = new CancellationTokenSource();
            var timer = context.CreateTimer(next.At.UtcDateTime, cts.Token);
            var winner = await Task.WhenAny(timer, reschedule, stop, finish);
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

                await Note($"Communication timeline stopped: {await stop}");
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

                return new CommunicationsResult(sent, missed, skipped);
            }

            if (winner == reschedule)
            {
                var date = await reschedule;
                reschedule = context.WaitForExternalEvent<DateOnly>(RescheduleEvent);
                release = release with { TargetDate = date };
                schedule = CommunicationSchedule.For(policy, date, Now(context));
                foreach (var c in schedule.Where(c => !handled.Contains(c.Id) && c.Status == CommunicationStatus.Missed))
                {
                    // A notice whose new time has passed but was never sent goes out now: moving the date must not lose it.
                    await Send(c);
                    handled.Add(c.Id);
                }

                await Note($"Communication timeline re-planned for {date:yyyy-MM-dd}.");
                continue;
            }

            await Send(next);
            handled.Add(next.Id);
        }
    }

    private static DateTimeOffset Now(TaskOrchestrationContext context) => new(context.CurrentUtcDateTime, TimeSpan.Zero);
}
