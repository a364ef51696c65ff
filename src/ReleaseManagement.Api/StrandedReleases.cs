using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;
using ReleaseManagement.Telemetry;

namespace ReleaseManagement.Api;

/// <summary>What one stranded-release check found: the Active releases read, and those newly flagged <c>stranded</c>.</summary>
public sealed record StrandedRun(int Active, IReadOnlyList<string> Stranded);

/// <summary>
/// The stranded-release check (issue 25, point 2), on a timer in both hosts (<see cref="Metrics.ScheduledJobs.StrandedReleases"/>):
/// compares each Active release with its orchestration. One whose instance failed, was terminated or is missing (past a
/// grace after the release's last change, so a release being started is not flagged) gets a <c>stranded</c> warning on
/// the release (API, board, release page) and an error log (the alert), once; the warning clears itself when the instance runs again.
/// With the outages waited out in the orchestration (its EffectGuard) this should never fire.
/// Each run also records the gauges of what it read (docs/operations.md, "Telemetry"): Active releases by phase, the
/// stranded ones, and those waiting out an outage with the longest outage, by dependency; reading the Active releases is
/// what the check does anyway, so the gauges cost no storage call.
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
        var strandedNow = 0;
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
                else if (flagged)
                {
                    strandedNow++;
                }

                continue;
            }

            if (flagged || now - release.UpdatedAt < Grace)
            {
                strandedNow += flagged ? 1 : 0;
                continue;
            }

            strandedNow++;

            var message = $"Stranded: the release is Active but its orchestration {why}; nothing moves it on. A release manager can resume it " +
                $"(POST /api/releases/{Uri.EscapeDataString(id)}/resume).";
            LogStranded(log, id, why);
            await releases.ApplyAsync(WarningChange.Raise(id, new ReleaseWarning(WarningCode, message, now)), cancellationToken);
            stranded.Add(id);
        }

        RecordGauges(active, strandedNow, now);
        return new StrandedRun(active.Count, stranded);
    }

    /// <summary>The gauges of one run: every phase and dependency is recorded, at 0 when none, so a gauge falls back.</summary>
    private static void RecordGauges(IReadOnlyList<ReleaseRecord> active, int stranded, DateTimeOffset now)
    {
        foreach (var phase in Enum.GetValues<ReleasePhase>())
        {
            ReleaseTelemetry.ReleasesActive.Record(active.Count(r => r.Phase == phase), Tag(ReleaseTelemetry.Tags.Phase, phase.ToString()));
        }

        ReleaseTelemetry.ReleasesStranded.Record(stranded);
        var outages = active
            .SelectMany(r => (r.Warnings ?? []).Select(w => (Dependency: Dependencies.Of(w), w.At)).Where(o => o.Dependency is not null).Take(1))
            .ToList();
        foreach (var dependency in Dependencies.All.Concat(outages.Select(o => o.Dependency!)).Distinct(StringComparer.Ordinal))
        {
            var waiting = outages.Where(o => o.Dependency == dependency).ToList();
            var tag = Tag(ReleaseTelemetry.Tags.Dependency, dependency);
            ReleaseTelemetry.ReleasesWaitingOnDependency.Record(waiting.Count, tag);
            ReleaseTelemetry.DependencyOutageLongest.Record(waiting.Count == 0 ? 0 : Math.Max(0, (now - waiting.Min(o => o.At)).TotalSeconds), tag);
        }
    }

    private static KeyValuePair<string, object?> Tag(string name, string value) => new(name, value);

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
