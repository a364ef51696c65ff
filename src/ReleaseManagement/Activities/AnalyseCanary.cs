using Microsoft.Extensions.Logging;
using ReleaseManagement.Analysis;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Activities;

/// <summary>
/// The <c>AnalyseCanary</c> activity's input: the checkpoint's telemetry to read, the captured policy's analysis section,
/// and the share of the traffic the step should carry (0 to 1: a canary's weight, a rolling batch; null for an idle slot:
/// no throughput check).
/// </summary>
public sealed record AnalyseCanaryInput(CanaryQuery Query, CanaryAnalysisPolicy Policy, double? ExpectedShare = null);

/// <summary>
/// The <c>AnalyseCanary</c> activity's result. <see cref="Verdict"/> is never null when the activity returns: Complete
/// carries the judgement, NoData an inconclusive verdict that says why (missing data never passes).
/// </summary>
public sealed record CanaryAnalysisResult(CanaryReadingStatus Status, CanaryVerdict? Verdict, string? Detail);

/// <summary>
/// Reads a checkpoint's canary and baseline telemetry through the port and judges it (<see cref="CanaryJudge"/>).
/// Read-only: safe to retry. An outage of the telemetry service throws, as <see cref="CheckReleaseHealth"/>'s port does,
/// so the lifecycle waits it out (<c>EffectGuard</c>, docs/architecture.md "Outages") instead of judging an empty reading.
/// </summary>
public sealed partial class AnalyseCanary(ICanaryTelemetry telemetry, ILogger<AnalyseCanary> logger)
{
    public async Task<CanaryAnalysisResult> RunAsync(AnalyseCanaryInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var q = input.Query;
        var reading = await telemetry.ReadAsync(q, cancellationToken);
        if (reading.Status == CanaryReadingStatus.Unavailable)
        {
            LogUnavailable(logger, q.ReleaseId, q.System, reading.Detail);
            throw new InvalidOperationException($"The canary telemetry is unavailable: {reading.Detail}");
        }

        if (reading is not { Status: CanaryReadingStatus.Complete, Baseline: { } baseline, Canary: { } canary })
        {
            var why = reading.Detail ?? "the telemetry returned no data for the window.";
            LogNoData(logger, q.ReleaseId, q.System, q.CanaryLabel, q.BaselineLabel, why);
            return new CanaryAnalysisResult(CanaryReadingStatus.NoData, CanaryVerdict.NoData(why), reading.Detail);
        }

        var verdict = CanaryJudge.Judge(baseline, canary, input.Policy, input.ExpectedShare);
        LogJudged(logger, q.ReleaseId, q.System, q.CanaryLabel, q.BaselineLabel, verdict.Outcome, verdict.Summary);
        return new CanaryAnalysisResult(CanaryReadingStatus.Complete, verdict, reading.Detail);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The canary telemetry of release {ReleaseId} system {System} is unavailable: {Detail}")]
    private static partial void LogUnavailable(ILogger logger, string releaseId, string system, string? detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No canary telemetry for release {ReleaseId} system {System} ({CanaryLabel} against {BaselineLabel}): {Detail}")]
    private static partial void LogNoData(ILogger logger, string releaseId, string system, string canaryLabel, string baselineLabel, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Canary analysis of release {ReleaseId} system {System} ({CanaryLabel} against {BaselineLabel}): {Outcome}. {Summary}")]
    private static partial void LogJudged(ILogger logger, string releaseId, string system, string canaryLabel, string baselineLabel, CanaryOutcome outcome, string summary);
}
