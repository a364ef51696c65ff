using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api;

/// <summary>What one stranded-release check found: the Active releases read, and those newly flagged <c>stranded</c>.</summary>
public sealed record StrandedRun(int Active, IReadOnlyList<string> Stranded);

/// <summary>
/// The stranded-release check (issue 25, point 2), on a timer in both hosts (<see cref="Metrics.ScheduledJobs.StrandedReleases"/>):
/// compares each Active release with its orchestration. One whose instance failed, was terminated or is missing (past a
/// grace after the release's last change, so a release being started is not flagged) gets a <c>stranded</c> warning on
/// the release (API, board, release page) and an error log (the alert), once; the warning clears itself when the instance runs again.
/// With the outages waited out in the orchestration (its EffectGuard) this should never fire.
/// </summary>
public sealed partial class StrandedReleases(IReleaseStore releases, TimeProvider time, ILogger<StrandedReleases> log)
{
    /// <summary>The warning a stranded release carries.</summary>
    public const string WarningCode = "stranded";

    /// <summary>How long after its last change a release without a running instance is left alone (it may be starting).</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(2);

    /// <summary>The timer's run: every Active release.</summary>
    public Task<StrandedRun> RunAsync(DurableTaskClient durable, CancellationToken cancellationToken = default) =>
        RunAsync(durable, new ReleaseQuery(Status: ReleaseStatus.Active, Max: 1000), cancellationToken);

    /// <param name="query">Which releases to check (only the Active ones of it are judged).</param>
    public async Task<StrandedRun> RunAsync(DurableTaskClient durable, ReleaseQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(durable);
        ArgumentNullException.ThrowIfNull(query);
        var now = time.GetUtcNow();
        var active = (await releases.ListAsync(query with { Status = ReleaseStatus.Active }, cancellationToken)).ToList();
        var stranded = new List<string>();
        foreach (var release in active)
        {
            var id = release.Request.Id;
            var instance = await durable.GetInstanceAsync(id, cancellationToken);
            var flagged = release.Warnings?.Any(w => w.Code == WarningCode) == true;
            if (Why(instance) is not { } why)
            {
                if (flagged && instance is { RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending })
                {
                    await releases.ApplyAsync(WarningChange.Clear(id, now, WarningCode), cancellationToken);
                }

                continue;
            }

            if (flagged || now - release.UpdatedAt < Grace)
            {
                continue;
            }

            var message = $"Stranded: the release is Active but its orchestration {why}; nothing moves it on. A release manager can resume it " +
                $"(POST /api/releases/{Uri.EscapeDataString(id)}/resume).";
            LogStranded(log, id, why);
            await releases.ApplyAsync(WarningChange.Raise(id, new ReleaseWarning(WarningCode, message, now)), cancellationToken);
            stranded.Add(id);
        }

        return new StrandedRun(active.Count, stranded);
    }

    /// <summary>Why <paramref name="instance"/> leaves its release stranded, or null when it does not.</summary>
    public static string? Why(OrchestrationMetadata? instance) => instance?.RuntimeStatus switch
    {
        null => "is missing",
        OrchestrationRuntimeStatus.Failed => $"failed ({instance.FailureDetails?.ErrorMessage ?? "no details"})",
        OrchestrationRuntimeStatus.Terminated => "was terminated",
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "ALERT: release {ReleaseId} is stranded: its orchestration {Why}")]
    private static partial void LogStranded(ILogger logger, string releaseId, string why);
}
