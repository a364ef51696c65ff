using Microsoft.DurableTask;
using ReleaseManagement.Activities;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>The communication timeline's effects: its status lines, the outage handling of every call, and the sends.</summary>
internal sealed partial class CommunicationsTimeline
{
    // A line of the communication timeline; with the warning it raises or clears, if any. It leaves the release's standing alone.
    private ReleaseWrite[] Line(string message, ReleaseWarning? warning, string? cleared = null, string? subject = null, string? outcome = null, int? recipients = null)
    {
        var at = Now;
        var kind = warning is null && cleared is null ? TimelineKinds.Communication : TimelineKinds.Warning;
        var note = new TimelineNote(_release.Id, new TimelineEntry(++_sequence, at, null, kind, message, TimelineWriters.Communications, subject, outcome, recipients));
        return warning is not null ? [note, WarningChange.Raise(_release.Id, warning)]
            : cleared is not null ? [note, WarningChange.Clear(_release.Id, at, cleared)]
            : [note];
    }

    // An outage of a dependency is waited out here too (as EffectGuard does for the release's own effects): the effect is
    // tried again on durable timers, the policy's resilience.backoff apart, with a dependency-unavailable warning on the
    // release (written in one try: storage may be what is down) that clears when it succeeds. Past maxOutage the warning
    // says so and the tries go on; a release that ends meanwhile (the stop event) lets a scheduled notice go.
    private async Task<T> Guarded<T>(string dependency, string what, Func<Task<T>> call, T skippedValue)
    {
        DateTimeOffset? since = null;
        var wait = _policy.Resilience.Backoff.Initial;
        var escalated = false;
        var stoppable = !_stop.IsCompleted;
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
                var at = Now;
                var reason = e.FailureDetails?.ErrorMessage ?? e.Message;
                reason = reason.Length > 300 ? reason[..300] + "…" : reason;
                if (since is null || (!escalated && at - since.Value >= _policy.Resilience.MaxOutage))
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
            var timer = _context.CreateTimer(Now.Add(wait).UtcDateTime, cts.Token);
            wait = _policy.Resilience.Backoff.Next(wait);
            if (stoppable && await Task.WhenAny(timer, _stop) == _stop)
            {
                cts.Cancel();
                await TryWrite(Line($"{what} not sent: the release ended while the {dependency} was unavailable.", null, Dependencies.WarningCode));
                return skippedValue;
            }

            await timer;
        }
    }

    private async Task TryWrite(ReleaseWrite[] writes)
    {
        try
        {
            await _context.RecordReleaseStatusOnceAsync(writes);
        }
        catch (TaskFailedException)
        {
            // Storage is down too: the line is lost, the effect is not (it is still tried).
        }
    }

    private async Task Note(string message, ReleaseWarning? warning = null, string? subject = null, string? outcome = null, int? recipients = null)
    {
        var line = Line(message, warning, subject: subject, outcome: outcome, recipients: recipients);
        await Guarded(Dependencies.Storage, "the communication timeline's status line", async () =>
        {
            await _context.RecordReleaseStatusAsync(line);
            return true;
        }, false);
    }

    // One rule for every notice: the audiences resolve to people and channels; an audience that reaches nobody is a
    // warning on the release and the timeline says "not sent", never "sent".
    private async Task<bool> Notify(string id, string description, string template, IReadOnlyList<string> audiences, ReleaseNotice draft)
    {
        var audience = AudienceResolver.Resolve(_policy, _release.Systems, _approvers, _release.Audiences, audiences);
        var nobody = string.Join(", ", audience.Empty);
        if (!audience.ReachesAnyone)
        {
            var message = $"{description} ({id}) not sent: audience {nobody} has no recipients.";
            await Note(message, new ReleaseWarning(NoticeWarnings.NotSent, message, Now));
            return false;
        }

        var notice = draft with
        {
            Recipients = audience.Recipients,
            Webhooks = audience.Webhooks,
            Template = template,
            Description = description,
        };
        var count = await Guarded(Dependencies.Mail, $"the notice {id}", () => _context.SendReleaseNoticeAsync(notice), -1);
        if (count < 0)
        {
            return false;
        }

        var channels = audience.Webhooks.Count > 0 ? $" and {audience.Webhooks.Count} channel(s)" : string.Empty;
        await Note($"Sent {id}: {description} ({count} recipient(s){channels}).", subject: id, outcome: CommunicationOutcomes.Sent, recipients: count);
        if (audience.Empty.Count > 0)
        {
            var message = $"{description} ({id}) not sent to audience {nobody}: it has no recipients.";
            await Note(message, new ReleaseWarning(NoticeWarnings.NotSent, message, Now));
        }

        return true;
    }
}
