namespace ReleaseManagement.Analysis;

/// <summary>A canary analysis's outcome. Only <see cref="Pass"/> lets a rollout go on; <see cref="Inconclusive"/> never passes silently.</summary>
public enum CanaryOutcome
{
    Pass,
    Fail,
    Inconclusive,
}

/// <summary>
/// One metric's judgement (<see cref="CanaryChecks"/> names the metrics). Values are in the metric's unit: the median
/// duration in milliseconds, the failure rate in percent, exceptions per 100 requests; null where there was nothing to
/// compute them from.
/// </summary>
/// <param name="Metric">The metric's name: <c>duration</c>, <c>failureRate</c> or <c>exceptionRate</c>.</param>
/// <param name="Baseline">The baseline's value.</param>
/// <param name="Canary">The canary's value.</param>
/// <param name="PValue">The one-sided test's p-value (the chance of a difference at least this large towards "worse" if the two were alike); null when not tested.</param>
/// <param name="Outcome">This check's outcome.</param>
/// <param name="Reason">One line in plain English for the timeline and the audit trail.</param>
public sealed record CanaryCheck(string Metric, double? Baseline, double? Canary, double? PValue, CanaryOutcome Outcome, string Reason);

/// <summary>
/// The judgement of a canary against its baseline: <see cref="CanaryOutcome.Fail"/> when any check fails, else
/// <see cref="CanaryOutcome.Inconclusive"/> when any check could not be judged (or there was no data at all), else
/// <see cref="CanaryOutcome.Pass"/>. An activity result: plain records, serializable with System.Text.Json.
/// </summary>
public sealed record CanaryVerdict(CanaryOutcome Outcome, IReadOnlyList<CanaryCheck> Checks, string Summary)
{
    /// <summary>The verdict of checks: the worst outcome (fail, then inconclusive) wins, with a summary naming why.</summary>
    public static CanaryVerdict Of(IReadOnlyList<CanaryCheck> checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        if (checks.Count == 0)
        {
            return NoData("No check was made.");
        }

        var failed = checks.Where(c => c.Outcome == CanaryOutcome.Fail).ToList();
        if (failed.Count > 0)
        {
            return new(CanaryOutcome.Fail, checks, $"Fail: {string.Join(" ", failed.Select(c => c.Reason))}");
        }

        var open = checks.Where(c => c.Outcome == CanaryOutcome.Inconclusive).ToList();
        if (open.Count > 0)
        {
            return new(CanaryOutcome.Inconclusive, checks, $"Inconclusive, not a pass: {string.Join(" ", open.Select(c => c.Reason))}");
        }

        return new(CanaryOutcome.Pass, checks, $"Pass: {string.Join(", ", checks.Select(c => CanaryChecks.Describe(c.Metric)))} no worse than the baseline's beyond tolerance.");
    }

    /// <summary>An inconclusive verdict without checks: the telemetry had nothing to judge.</summary>
    public static CanaryVerdict NoData(string why) => new(CanaryOutcome.Inconclusive, [], $"Inconclusive, not a pass: {why}");
}
