using ReleaseManagement.Analysis;

namespace ReleaseManagement.Ports;

/// <summary>
/// What to read for one checkpoint of a progressive rollout: one system's requests in one environment over
/// [<see cref="Start"/>, <see cref="End"/>), split by the label that tells the canary from the baseline (the version, or
/// the slot, that served the request).
/// </summary>
/// <param name="ReleaseId">The release, for logs and the audit trail.</param>
/// <param name="System">The policy's system name (the adapter maps it to its telemetry's role).</param>
/// <param name="Environment">The environment the rollout runs in (e.g. Production).</param>
/// <param name="CanaryLabel">The canary's (or idle slot's) value of the split dimension, e.g. its version "2.4.0" or slot "green".</param>
/// <param name="BaselineLabel">The baseline's value of the same dimension, e.g. "2.3.1" or "blue"; empty: every request
/// the canary's label did not serve (the default templates' <c>== {label}</c> becomes <c>!= canary label</c>).</param>
/// <param name="Start">The window's start (inclusive).</param>
/// <param name="End">The window's end (exclusive).</param>
public sealed record CanaryQuery(
    string ReleaseId,
    string System,
    string Environment,
    string CanaryLabel,
    string BaselineLabel,
    DateTimeOffset Start,
    DateTimeOffset End);

/// <summary>Whether the telemetry could be read.</summary>
public enum CanaryReadingStatus
{
    /// <summary>Both sides were read (either may still hold too few requests: the judgement says inconclusive).</summary>
    Complete,

    /// <summary>The telemetry service did not answer (an outage): the caller waits it out and reads again.</summary>
    Unavailable,

    /// <summary>The service answered but nothing can be judged: not configured, a refused query, or no request on a side.</summary>
    NoData,
}

/// <summary>A checkpoint's telemetry: both sides when <see cref="Status"/> is Complete; <see cref="Detail"/> says why not otherwise.</summary>
public sealed record CanaryReading(CanaryReadingStatus Status, CanarySample? Baseline, CanarySample? Canary, string? Detail);

/// <summary>The canary's and the baseline's telemetry over the same window (Azure Monitor / Log Analytics in Azure).</summary>
public interface ICanaryTelemetry
{
    /// <summary>Reads both sides. Does not throw for an outage or missing data: the reading's status says which.</summary>
    Task<CanaryReading> ReadAsync(CanaryQuery query, CancellationToken ct);
}
