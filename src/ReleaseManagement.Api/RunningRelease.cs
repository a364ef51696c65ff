using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api;

/// <summary>
/// The one rule for "the release exists and is running": its record is stored and its orchestration has started and not
/// ended. The steering routes (cancel, reschedule, milestones, evidence, rollback, retry and skip), approval decisions and pipeline events all ask here
/// before they raise an event to a release, and so all wait here for a release that is scheduled but has not started.
/// </summary>
/// <remarks>
/// An event raised to an instance that is still <see cref="OrchestrationRuntimeStatus.Pending"/> can be lost: the Azure
/// Storage engine discards a message for an instance with no history unless the start message is in the same batch
/// ("No such instance"), and the start message is not there when the engine has deferred it (it was dequeued before the
/// client wrote the instance row, which the client does after sending it) or abandoned its first episode. A decision sent
/// within a second of the request would then be answered 202 and never counted. Once the instance is Running its history
/// holds the start (the engine writes the history before the instance row), so an event raised from then on is kept.
/// </remarks>
public static class RunningRelease
{
    /// <summary>How long a request waits for a scheduled release to start before it is answered 503 (send it again).</summary>
    public static readonly TimeSpan StartWait = TimeSpan.FromSeconds(20);

    /// <summary>Whether an orchestration instance is running (started, not completed, failed or terminated).</summary>
    public static bool IsRunning(OrchestrationMetadata? instance) => instance is not null && !instance.IsCompleted;

    /// <summary>
    /// The release's orchestration, once it has started: an instance still <see cref="OrchestrationRuntimeStatus.Pending"/>
    /// is waited for (at most <paramref name="wait"/>, default <see cref="StartWait"/>), so that an event raised after this
    /// reaches it. Null when there is none.
    /// </summary>
    /// <exception cref="ReleaseStartingException">The instance did not start in time; nothing may be raised to it yet.</exception>
    public static async Task<OrchestrationMetadata?> GetStartedInstanceAsync(
        DurableTaskClient durable, string releaseId, CancellationToken cancellationToken, TimeSpan? wait = null)
    {
        var instance = await durable.GetInstanceAsync(releaseId, cancellationToken);
        if (instance?.RuntimeStatus != OrchestrationRuntimeStatus.Pending)
        {
            return instance;
        }

        var limit = wait ?? StartWait;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        try
        {
            return await durable.WaitForInstanceStartAsync(releaseId, getInputsAndOutputs: false, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ReleaseStartingException(releaseId, limit);
        }
    }

    /// <summary>The 404 of an unknown release or the 409 of one that is not running; null when it runs.</summary>
    public static ProblemHttpResult? Refusal(ReleaseStanding standing)
    {
        ArgumentNullException.ThrowIfNull(standing);
        return !standing.Exists ? Problems.UnknownRelease(standing.ReleaseId)
            : !standing.IsRunning ? Problems.Conflict("The release is not running.", $"Release '{standing.ReleaseId}' {standing.NotRunningReason}.")
            : null;
    }

    /// <summary>
    /// The stored release (none for an id that is not a valid release id) and, when stored, its orchestration once started
    /// (<see cref="GetStartedInstanceAsync"/>).
    /// </summary>
    public static async Task<ReleaseStanding> CheckAsync(
        IReleaseStore releases, DurableTaskClient durable, string releaseId, CancellationToken cancellationToken)
    {
        var record = ReleaseIds.IsValid(releaseId) ? await releases.GetAsync(releaseId, cancellationToken) : null;
        return await StandingAsync(record, durable, releaseId, cancellationToken);
    }

    /// <summary>
    /// <paramref name="record"/> (the stored release, already read; null when there is none) and, when stored, its
    /// orchestration once started (<see cref="GetStartedInstanceAsync"/>).
    /// </summary>
    public static async Task<ReleaseStanding> StandingAsync(
        ReleaseRecord? record, DurableTaskClient durable, string releaseId, CancellationToken cancellationToken)
    {
        var instance = record is null ? null : await GetStartedInstanceAsync(durable, releaseId, cancellationToken);
        return new ReleaseStanding(releaseId, record, instance);
    }
}

/// <summary>
/// A release's orchestration is scheduled but did not start within <see cref="RunningRelease.StartWait"/>: the request
/// changed nothing and is answered 503 with <c>Retry-After</c> (a queued pipeline event is retried).
/// </summary>
public sealed class ReleaseStartingException(string releaseId, TimeSpan waited)
    : Exception($"Release '{releaseId}' was scheduled but its orchestration did not start within {waited}.")
{
    public string ReleaseId { get; } = releaseId;
}
