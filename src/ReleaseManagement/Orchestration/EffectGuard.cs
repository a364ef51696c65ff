using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using ReleaseManagement.Activities;
using ReleaseManagement.Events;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;
using ReleaseManagement.Telemetry;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// One external effect of the lifecycle as the outage handling names it: what it is for people, which dependency it needs,
/// and whether the procedure allows a release manager to skip it (a notice, an outbound event: yes; an approval request,
/// a deployment, a health reading, a status write: no).
/// </summary>
internal sealed record Effect(string Dependency, string What, bool Skippable = false)
{
    public static Effect ApprovalEmails(string stage) => new(Dependencies.Mail, $"the {stage} approval emails");

    public static Effect CloseStage(string stage) => new(Dependencies.Storage, $"closing the {stage} approval stage");

    public static Effect Notice(string what) => new(Dependencies.Mail, what, Skippable: true);

    public static Effect Deployment(string what) => new(Dependencies.Pipeline, what);

    public static readonly Effect Health = new(Dependencies.Health, "the post-deployment health reading");

    public static Effect Analysis(string what) => new(Dependencies.Health, $"the analysis of {what}");

    public static Effect FeatureFlag(string what) => new(Dependencies.FeatureFlags, what);

    public static readonly Effect Status = new(Dependencies.Storage, "the release's status and timeline");

    public static Effect Event(ReleaseEventType type) => new(Dependencies.Events, $"the {type} event", Skippable: true);
}

/// <summary>The dependencies an effect can wait on, as the <c>dependency-unavailable</c> warning names them.</summary>
public static class Dependencies
{
    public const string Mail = "mail server";
    public const string Pipeline = "deployment pipeline";
    public const string Health = "health source";
    public const string Events = "event sink";
    public const string Storage = "storage";
    public const string FeatureFlags = "feature flag system";

    /// <summary>The warning an effect waiting out an outage puts on the release; it clears itself when the effect succeeds.</summary>
    public const string WarningCode = "dependency-unavailable";

    /// <summary>Every dependency an effect can wait on.</summary>
    public static readonly IReadOnlyList<string> All = [Mail, Pipeline, Health, Events, Storage, FeatureFlags];

    /// <summary>
    /// The dependency a <see cref="WarningCode"/> warning names (its message begins "The {dependency} is unavailable", as
    /// <see cref="EffectGuard"/> writes it); null for another warning.
    /// </summary>
    public static string? Of(ReleaseWarning warning)
    {
        ArgumentNullException.ThrowIfNull(warning);
        return warning.Code == WarningCode
            ? All.FirstOrDefault(d => warning.Message.StartsWith($"The {d} is unavailable", StringComparison.Ordinal)) ?? "unknown"
            : null;
    }
}

/// <summary>
/// Waits out an outage of a dependency inside the orchestration (docs/architecture.md, "Outages"). Every external effect
/// of the lifecycle runs through <see cref="RunAsync{T}"/>: the activity keeps its own short retries
/// (<see cref="ActivityCalls.Retry"/>); when it still fails, the release gets a <see cref="Dependencies.WarningCode"/> warning
/// naming the dependency and since when, and the same activity (same input, so the same request id, event id or send
/// keys: activities are idempotent) is tried again on a durable timer, <c>resilience.backoff</c> apart. Past
/// <c>resilience.maxOutage</c> the release manager is told (a notice to the operations audience, best effort, and the
/// warning says so) and a <see cref="OutageDecision"/> (retry now, or skip where <see cref="Effect.Skippable"/>) races the
/// next timer. The warning clears when the effect succeeds. A cancel ends the wait like any other. Deterministic: time
/// from the context, waits through the <see cref="ReleaseInbox"/>.
/// </summary>
internal sealed class EffectGuard(LifecycleState state, StatusRecorder status)
{
    /// <summary>
    /// Runs <paramref name="call"/> until it succeeds (its result), or a release manager skips a skippable effect past
    /// <c>maxOutage</c> (<paramref name="skipped"/>).
    /// </summary>
    public async Task<T> RunAsync<T>(Effect effect, Func<Task<T>> call, T skipped)
    {
        var policy = state.Policy.Resilience;
        DateTimeOffset? since = null;
        var wait = policy.Backoff.Initial;
        var escalated = false;
        var tries = 0;
        while (true)
        {
            TaskFailedException failure;
            try
            {
                var result = await call();
                if (since is { } began)
                {
                    await EndAsync(effect, $"The {effect.Dependency} answered again: {effect.What} done after an outage of {Duration(state.Now - began)} ({tries + 1} tries).");
                }

                return result;
            }
            catch (TaskFailedException e)
            {
                failure = e;
            }

            tries++;
            if (!state.Context.IsReplaying)
            {
                // Once per failed try: a replay goes through this try again and does not count it twice.
                ReleaseTelemetry.ActivityFailures.Add(1, new KeyValuePair<string, object?>(ReleaseTelemetry.Tags.Dependency, effect.Dependency));
            }

            var now = state.Now;
            var reason = Reason(failure);
            if (since is null)
            {
                since = now;
                state.Inbox.OutageDecisions.Clear();
                state.Log.LogWarning("Release {ReleaseId}: {Effect} failed, the {Dependency} is unavailable; waiting it out: {Reason}", state.ReleaseId, effect.What, effect.Dependency, reason);
                Show(effect, now, escalated: false);
                await WarnAsync(effect, $"The {effect.Dependency} is unavailable since {now:yyyy-MM-dd HH:mm:ss} UTC: {effect.What} waits and is tried again ({reason}).", now);
            }

            // Until the next try, or a release manager's decision; the release manager is told when maxOutage is reached,
            // and the tries go on meanwhile.
            var next = now + wait;
            wait = policy.Backoff.Next(wait);
            OutageDecision? decision = null;
            try
            {
                while (decision is null)
                {
                    var escalateAt = since.Value + policy.MaxOutage;
                    var until = !escalated && escalateAt < next ? escalateAt : next;
                    if (!escalated && escalateAt <= state.Now)
                    {
                        escalated = true;
                        Show(effect, since.Value, escalated: true);
                        await EscalateAsync(effect, since.Value, reason);
                        continue;
                    }

                    if (await state.Inbox.WaitForOutageDecisionAsync(until.UtcDateTime))
                    {
                        decision = state.Inbox.OutageDecisions.Dequeue();
                    }
                    else if (until == next)
                    {
                        break;
                    }
                }
            }
            catch (ReleaseCancelledException)
            {
                await EndAsync(effect, $"Cancelled while {effect.What} waited for the {effect.Dependency}.");
                throw;
            }

            if (decision is null)
            {
                continue;
            }

            if (decision.Action == OutageAction.Skip && effect.Skippable)
            {
                await EndAsync(effect, $"Skipped by {decision.By}: {effect.What} (the {effect.Dependency} was unavailable since {since.Value:yyyy-MM-dd HH:mm:ss} UTC)" + For(decision) + ".");
                return skipped;
            }

            // Written at once (the release page shows it while the outage lasts), or kept for the next write if that fails.
            var line = new StatusRecord(null, null, TimelineKinds.Warning)
            {
                Message = decision.Action == OutageAction.Skip
                    ? $"Skip requested by {decision.By} refused: {effect.What} cannot be skipped; tried again now."
                    : $"Retry requested by {decision.By}: {effect.What} tried again now" + For(decision) + ".",
            };
            if (!await status.TryWriteNowAsync(line))
            {
                await status.RecordAsync(line);
            }
        }
    }

    /// <inheritdoc cref="RunAsync{T}(Effect, Func{Task{T}}, T)"/>
    public Task RunAsync(Effect effect, Func<Task> call) =>
        RunAsync(effect, async () =>
        {
            await call();
            return true;
        }, false);

    private static string For(OutageDecision decision) => string.IsNullOrWhiteSpace(decision.Reason) ? string.Empty : $" ({decision.Reason})";

    /// <summary>The orchestration's custom status says what waits (the API reads it to accept a retry or a skip).</summary>
    private void Show(Effect effect, DateTimeOffset since, bool escalated) =>
        EffectJournal.ShowOutage(state.Context, new OutageStatus(effect.Dependency, effect.What, since, effect.Skippable, escalated));

    private async Task EndAsync(Effect effect, string message)
    {
        EffectJournal.ShowOutage(state.Context, null);
        state.Inbox.OutageDecisions.Clear();
        state.Log.LogInformation("Release {ReleaseId}: {Message}", state.ReleaseId, message);
        await status.RecordAsync(new StatusRecord(null, null, TimelineKinds.Warning) { Message = message, ClearedWarnings = [Dependencies.WarningCode] });
    }

    /// <summary>Past maxOutage: the warning says so, and the release manager is told by every channel still working.</summary>
    private async Task EscalateAsync(Effect effect, DateTimeOffset since, string reason)
    {
        var actions = effect.Skippable ? "retry it now or skip it" : "retry it now (it cannot be skipped)";
        var message = $"The {effect.Dependency} is unavailable since {since:yyyy-MM-dd HH:mm:ss} UTC, longer than resilience.maxOutage " +
            $"({Duration(state.Policy.Resilience.MaxOutage)}): {effect.What} waits for a release manager to {actions}; tries go on meanwhile ({reason}).";
        state.Log.LogError("Release {ReleaseId} needs a release manager: {Message}", state.ReleaseId, message);
        await WarnAsync(effect, message, since);
        var audience = AudienceResolver.Resolve(state.Policy, state.Release.Systems, state.Approvers, state.Release.Audiences, [OperationsAudience]);
        var people = audience.Recipients.Concat(state.Approvers.TryGetValue(PolicyRoles.ReleaseManager, out var managers) ? managers : [])
            .Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        if (people.Length == 0 && audience.Webhooks.Count == 0)
        {
            return;
        }

        // Best effort, once each: the mail server may be what is down, so the chat channels are posted apart from the email.
        var subject = $"[{state.ReleaseId}] Waiting on the {effect.Dependency}: action needed";
        var noticeId = $"outage@{since:yyyyMMddHHmmss}";
        var description = $"Outage of the {effect.Dependency}";
        if (audience.Webhooks.Count > 0)
        {
            await TrySendAsync(new ReleaseNotice(state.ReleaseId, noticeId + "-channels", subject, message, []) { Webhooks = audience.Webhooks, Description = description });
        }

        if (people.Length > 0)
        {
            await TrySendAsync(new ReleaseNotice(state.ReleaseId, noticeId, subject, message, people) { Description = description });
        }
    }

    private async Task TrySendAsync(ReleaseNotice notice)
    {
        try
        {
            await state.Context.SendReleaseNoticeOnceAsync(notice);
        }
        catch (TaskFailedException e)
        {
            state.Log.LogWarning("Release {ReleaseId}: the outage notice {NoticeId} to the release managers failed: {Reason}", state.ReleaseId, notice.NoticeId, Reason(e));
        }
    }

    /// <summary>
    /// Writes the warning now, once and without retries: when storage is what is down the write fails too, and then only
    /// the log says it (the release's page cannot show anything while its store is down).
    /// </summary>
    private async Task WarnAsync(Effect effect, string message, DateTimeOffset since)
    {
        var written = await status.TryWriteNowAsync(new StatusRecord(null, null, TimelineKinds.Warning)
        {
            Message = message,
            Warnings = [new ReleaseWarning(Dependencies.WarningCode, message, since)],
        });
        if (!written)
        {
            state.Log.LogWarning("Release {ReleaseId}: the {Code} warning could not be written ({Effect})", state.ReleaseId, Dependencies.WarningCode, effect.What);
        }
    }

    private const string OperationsAudience = "operations";

    private static string Reason(TaskFailedException e)
    {
        var text = e.FailureDetails?.ErrorMessage ?? e.Message;
        return text.Length > 300 ? text[..300] + "…" : text;
    }

    private static string Duration(TimeSpan t) =>
        t.TotalDays >= 1 ? $"{t.TotalDays:0.#} d" : t.TotalHours >= 1 ? $"{t.TotalHours:0.#} h" : t.TotalMinutes >= 1 ? $"{t.TotalMinutes:0.#} min" : $"{Math.Max(0, t.TotalSeconds):0} s";
}
