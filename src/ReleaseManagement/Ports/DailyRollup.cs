using ReleaseManagement.Metrics;

namespace ReleaseManagement.Ports;

/// <summary>One system's (or, with <see cref="Overall"/>, the whole day's) rollup of a local day.</summary>
/// <param name="Facts">The system's facts of the day; the overall row holds the facts that name no system.</param>
/// <param name="Revision">The last time a recompute changed the day's facts after its first rollup, and why (null when never).</param>
public sealed record DailyRollup(DateOnly Date, string System, MetricFacts Facts, DailyCounts Counts, DateTimeOffset ComputedAt, DayRevision? Revision = null)
{
    public const string Overall = "*";
}
