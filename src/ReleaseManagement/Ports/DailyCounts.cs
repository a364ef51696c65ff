using ReleaseManagement.Metrics;

namespace ReleaseManagement.Ports;

/// <summary>Counters of a rollup row, for reading at a glance (the facts are what reports use).</summary>
public sealed record DailyCounts(int Deployments, int SuccessfulDeployments, int Rollbacks, int Incidents, int Recoveries, int TestRuns, int ApprovalAsks)
{
    public static DailyCounts Of(MetricFacts f) => new(
        f.Deployments.Count, f.Deployments.Count(d => d.Succeeded), f.Rollbacks.Count, f.Incidents.Count, f.Recoveries.Count, f.TestRuns.Count, f.Approvals.Count);
}
