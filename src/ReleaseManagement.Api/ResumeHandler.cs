using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Api.Audit;
using ReleaseManagement.Approvals;
using ReleaseManagement.Audit;
using ReleaseManagement.Events;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api;

/// <summary>
/// <c>POST /api/releases/{id}/resume</c> <c>{by, reason?}</c> (issue 25, point 2): restarts a stranded release (Active, its
/// orchestration failed or was terminated: <see cref="StrandedReleases.Why"/>) from what its earlier run recorded, without
/// doing a completed effect again (docs/architecture.md, "Resuming a stranded release"). The earlier run's journal (in its
/// custom status: <see cref="EffectJournal"/>) gives the effects it completed (<see cref="ReleaseResume"/>); a new run of
/// the same instance id starts with the same input (the target date as recorded now) and that journal, and the release's
/// recorded approval decisions and pipeline events are raised to it again in their order, so it goes through the
/// lifecycle to where the earlier run stood and on from there. The release's communication timeline, if still running, is
/// ended first and restarted by the new run with its own journal. A release manager only (403);
/// 404 for an unknown release; 409 when it is not stranded, or when its instance is missing (no history to resume from).
/// Audited (<see cref="AuditActions.Resume"/>).
/// </summary>
public sealed partial class ResumeHandler(
    IReleaseStore releases,
    IApprovalDecisionStore decisions,
    IPipelineEventStore events,
    ReleasePolicies policies,
    IOptions<ApprovalOptions> approvalOptions,
    TimeProvider time,
    ILogger<ResumeHandler> log,
    AuditRecorder audit)
{
    /// <summary>How long the communication timeline, when still running, is given to end before the release is resumed.</summary>
    public static readonly TimeSpan EndWait = TimeSpan.FromSeconds(30);

    /// <summary>The API route: the body as JSON.</summary>
    public async Task<Results<Accepted<ResumeAccepted>, ProblemHttpResult>> ResumeAsync(
        string releaseId, HttpRequest request, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        var (body, problem) = await ApiJson.ReadAsync<OutageDecisionBody>(request, cancellationToken);
        return problem ?? await ResumeAsync(releaseId, body, AppServicePrincipal.From(request), AuditOrigin.From(request), durable, cancellationToken);
    }

    /// <summary>The same from a parsed body (the release page's form, channel <paramref name="origin"/>).</summary>
    public async Task<Results<Accepted<ResumeAccepted>, ProblemHttpResult>> ResumeAsync(
        string releaseId, OutageDecisionBody? body, AppServicePrincipal? principal, AuditOrigin origin, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(durable);
        var validation = OutageDecisionValidator.Validate(body, OutageAction.Retry, time.GetUtcNow());
        if (!validation.IsValid)
        {
            return Problems.Validation(validation.Errors, "The resume request is invalid.");
        }

        var (by, reason, at) = (validation.Value!.By, validation.Value.Reason, validation.Value.At);
        var record = ReleaseIds.IsValid(releaseId) ? await releases.GetAsync(releaseId, cancellationToken) : null;
        if (record is null)
        {
            return Problems.UnknownRelease(releaseId);
        }

        var checkedRequest = new ControlRequest<OutageDecision>(validation.Value!, record, await policies.ForAsync(record, cancellationToken));
        if (PermissionCheck.Refusal(checkedRequest, ReleaseActions.Resume, approvalOptions.Value, by, principal, log) is { } forbidden)
        {
            return forbidden;
        }

        var instance = await durable.GetInstanceAsync(releaseId, getInputsAndOutputs: true, cancellationToken);
        if (record.Status != ReleaseStatus.Active || StrandedReleases.Why(instance) is not { } why)
        {
            return Problems.Conflict("The release is not stranded.", record.Status != ReleaseStatus.Active
                ? $"Release '{releaseId}' is {record.Status}: there is nothing to resume."
                : $"Release '{releaseId}' is running ({instance!.RuntimeStatus}): there is nothing to resume.");
        }

        if (instance?.ReadInputAs<ReleaseOrchestrationInput>() is not { } input)
        {
            return Problems.Conflict("Nothing to resume from.",
                $"The orchestration of release '{releaseId}' is missing, so neither its input nor what it did is recorded: it cannot be resumed without doing effects again. Cancel it and request it anew.");
        }

        var journal = Journal(instance);
        var (communications, scheduledAt) = await CommunicationsAsync(durable, releaseId, cancellationToken);
        var resume = new ReleaseResume(journal, communications, scheduledAt, by, at);
        var told = await RecordedEventsAsync(releaseId, cancellationToken);
        await audit.RecordAsync(origin, releaseId, AuditActions.Resume, by,
            $"Resume of the stranded release requested (its orchestration {why})" + (reason is { } r ? $": {r}" : "."), rule: "stranded",
            data: new Dictionary<string, string> { ["effects"] = $"{journal.Count + communications.Count}", ["events"] = $"{told.Count}" },
            at: at, cancellationToken: cancellationToken);

        var resumed = input with { Release = input.Release with { TargetDate = record.Request.TargetDate }, Resume = resume };
        await durable.ScheduleNewOrchestrationInstanceAsync(OrchestratorNames.Release, resumed, new StartOrchestrationOptions(InstanceId: releaseId), cancellationToken);
        await RunningRelease.GetStartedInstanceAsync(durable, releaseId, cancellationToken);
        foreach (var (name, payload) in told)
        {
            await durable.RaiseEventAsync(releaseId, name, payload, cancellationToken);
        }

        await releases.ApplyAsync(WarningChange.Clear(releaseId, time.GetUtcNow(), StrandedReleases.WarningCode), cancellationToken);
        LogResumed(log, releaseId, by, journal.Count + communications.Count, told.Count);
        var location = ReleaseHandlers.StatusUri(releaseId);
        return TypedResults.Accepted(location, new ResumeAccepted(releaseId, by, at, journal.Count + communications.Count, told.Count, location));
    }

    /// <summary>The journal of an instance's completed effects (its custom status, <see cref="ReleaseCustomStatus.Done"/>).</summary>
    public static IReadOnlyList<JournalEntry> Journal(OrchestrationMetadata? instance)
    {
        if (instance?.SerializedCustomStatus is not { Length: > 0 } json)
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize<ReleaseCustomStatus>(json, JsonSerializerOptions.Web)?.Done ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>
    /// The communication timeline's journal and schedule: ended first when still running (its sub-orchestration outlives a
    /// terminated parent), so the new run starts it afresh under the same id.
    /// </summary>
    private static async Task<(IReadOnlyList<JournalEntry> Journal, DateTimeOffset? ScheduledAt)> CommunicationsAsync(
        DurableTaskClient durable, string releaseId, CancellationToken cancellationToken)
    {
        var id = CommunicationsOrchestrator.InstanceIdOf(releaseId);
        var instance = await durable.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken);
        if (instance is null)
        {
            return ([], null);
        }

        if (!instance.IsCompleted)
        {
            await durable.TerminateInstanceAsync(id, "The release is resumed: its communication timeline restarts with it.", cancellationToken);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(EndWait);
            instance = await durable.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, wait.Token);
        }

        return (Journal(instance), instance.ReadInputAs<CommunicationsInput>()?.ScheduledAt);
    }

    /// <summary>What the release was told, as recorded: its approval decisions and its pipeline events, in time order.</summary>
    private async Task<IReadOnlyList<(string Name, object Payload)>> RecordedEventsAsync(string releaseId, CancellationToken cancellationToken)
    {
        var told = new List<(DateTimeOffset At, string Name, object Payload)>();
        foreach (var stage in ApprovalStageKeys.All)
        {
            told.AddRange((await decisions.ListAsync(releaseId, stage, cancellationToken)).Select(d => (d.DecidedAt, ReleaseEventNames.Approval,
                (object)d.ToDecision())));
        }

        told.AddRange((await events.ListByReleaseAsync(releaseId, cancellationToken)).Select(e => (e.Event.OccurredAt, ReleaseEventNames.Pipeline, (object)e.Event)));
        return told.OrderBy(t => t.At).Select(t => (t.Name, t.Payload)).ToList();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Release {ReleaseId} resumed by {By}: {Effects} completed effects answered from the journal, {Events} events raised again")]
    private static partial void LogResumed(ILogger logger, string releaseId, string by, int effects, int events);
}

/// <summary>The answer to an accepted resume: how many completed effects the new run will not do again, how many events it is told again.</summary>
public sealed record ResumeAccepted(string ReleaseId, string By, DateTimeOffset At, int Effects, int Events, string StatusUri);
