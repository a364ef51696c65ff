using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Metrics;

/// <summary>
/// The metrics of one period from facts: pure functions, no I/O. <paramref name="facts"/> may hold facts outside the period
/// (the rollups after it, for failure attribution): each metric picks what it counts by the fact's instant. Definitions:
/// docs/metrics.md.
/// </summary>
public static class MetricsCalculator
{
    /// <summary>How long after a deployment a rollback or incident still counts against it (change failure rate).</summary>
    public static readonly TimeSpan FailureAttributionWindow = TimeSpan.FromDays(7);

    public static MetricSet Compute(MetricFacts facts, DateTimeOffset from, DateTimeOffset to, ReleasePolicy policy, int doraYear)
    {
        if (to <= from)
        {
            throw new ArgumentException("The period must end after it starts.", nameof(to));
        }

        var deployments = facts.Deployments.Where(d => d.At >= from && d.At < to).ToList();
        var successful = deployments.Where(d => d.Succeeded).ToList();
        var days = (to - from).TotalDays;

        // Defect escape rate: production incidents against all defects found (those plus failed pre-production tests).
        var escaped = facts.Incidents.Count(i => i.At >= from && i.At < to);
        var caught = facts.TestRuns
            .Where(t => t.At >= from && t.At < to && !FactRules.IsProduction(t.Environment))
            .Sum(t => t.Failed > 0 ? t.Failed : (t.Succeeded ? 0 : 1));
        var defectEscape = RateValue.Of(escaped, escaped + caught);

        // Test coverage: latest value per (release, system) reported in the period.
        var coverage = facts.TestRuns
            .Where(t => t.At >= from && t.At < to && t.CoveragePercent is not null)
            .GroupBy(t => (t.Segment.ReleaseId ?? $"(run at {t.At:O})", t.Segment.System?.ToUpperInvariant()))
            .Select(g => g.MaxBy(t => t.At)!.CoveragePercent!.Value)
            .ToList();
        var coverageValue = new CoverageValue(
            coverage.Count,
            coverage.Count == 0 ? null : Math.Round((decimal)Statistics.Median(coverage.Select(c => (double)c))!.Value, 2),
            coverage.Count == 0 ? null : coverage.Min(),
            coverage.Count(c => c < policy.MetricTargets.MinTestCoveragePercent));

        var success = RateValue.Of(successful.Count, deployments.Count);

        var rollbacks = facts.Rollbacks.Count(r => r.At >= from && r.At < to);
        var releasesDeployed = deployments.Select(d => d.Segment.ReleaseId).Distinct(StringComparer.Ordinal).Count();
        var rollbackValue = new RollbackValue(Statistics.Ratio(rollbacks, releasesDeployed), rollbacks, releasesDeployed);

        var deploymentTime = DurationValue.Of(successful
            .Where(d => d.ProductionApprovedAt is { } a && a <= d.At)
            .Select(d => d.At - d.ProductionApprovedAt!.Value));
        var fromMerge = DurationValue.Of(successful
            .Where(d => d.FirstChangeMergedAt is { } m && m <= d.At)
            .Select(d => d.At - d.FirstChangeMergedAt!.Value));
        var fromRequest = DurationValue.Of(successful
            .Where(d => d.RequestedAt is { } r && r <= d.At)
            .Select(d => d.At - d.RequestedAt!.Value));

        var recoveries = facts.Recoveries.Where(r => r.At >= from && r.At < to).ToList();
        var restoredBy = facts.Recoveries.Where(r => r.At < to).Select(r => r.IncidentId).ToHashSet(StringComparer.Ordinal);
        var unresolved = facts.Incidents.Count(i => i.At >= from && i.At < to && !restoredBy.Contains(i.IncidentId));
        var recovery = new RecoveryValue(DurationValue.Of(recoveries.Select(r => r.At - r.DetectedAt)), unresolved);

        var frequency = Enum.GetValues<ReleaseType>()
            .Select(type => new ReleaseFrequencyValue(
                type,
                successful.Where(d => d.Segment.Type == type).Select(d => d.Segment.ReleaseId).Distinct(StringComparer.Ordinal).Count(),
                ExpectedReleases(policy, type, days)))
            .ToList();

        // DORA.
        double? perDay = deployments.Count == 0 ? null : Math.Round(successful.Count / days, 4);
        var failed = deployments.Count(d => !d.Succeeded || FailedLater(facts, d));
        var cfr = RateValue.Of(failed, deployments.Count);
        var fdrt = DurationValue.Of(recoveries.Where(r => r.CausedByDeployment).Select(r => r.At - r.DetectedAt));
        var dora = new DoraValues(
            doraYear,
            perDay,
            DoraBands.DeploymentFrequency(doraYear, perDay),
            fromMerge,
            DoraBands.LeadTime(doraYear, fromMerge.Median),
            cfr,
            DoraBands.ChangeFailureRate(doraYear, cfr.Percent),
            fdrt,
            DoraBands.RecoveryTime(doraYear, fdrt.Median));

        return new MetricSet(
            deployments.Count, defectEscape, coverageValue, success, rollbackValue, deploymentTime, recovery, fromMerge, fromRequest,
            frequency, dora, Approvals(facts, successful, from, to));
    }

    /// <summary>A deployment counts as failed later when a rollback or incident names it (same release, system and deployment instant) within the attribution window.</summary>
    private static bool FailedLater(MetricFacts facts, DeploymentFact d)
    {
        bool Same(ReleaseSegment s, DateTimeOffset? deployedAt, DateTimeOffset at) =>
            s.ReleaseId == d.Segment.ReleaseId
            && string.Equals(s.System, d.Segment.System, StringComparison.OrdinalIgnoreCase)
            && deployedAt == d.At
            && at - d.At <= FailureAttributionWindow;

        return facts.Rollbacks.Any(r => Same(r.Segment, r.DeployedAt, r.At))
            || facts.Incidents.Any(i => i.CausedByDeployment && Same(i.Segment, i.DeployedAt, i.At));
    }

    private static ApprovalLatencyValue Approvals(MetricFacts facts, List<DeploymentFact> successful, DateTimeOffset from, DateTimeOffset to)
    {
        var waited = successful.Where(d => d.ApprovalWait is not null).ToList();
        var wait = DurationValue.Of(waited.Select(d => d.ApprovalWait!.Value));
        var withLead = waited.Where(d => d.RequestedAt is { } r && r <= d.At).ToList();
        var waitTicks = withLead.Sum(d => d.ApprovalWait!.Value.Ticks);
        var leadTicks = withLead.Sum(d => (d.At - d.RequestedAt!.Value).Ticks);
        var share = leadTicks == 0 ? new RateValue(null, 0, 0) : RateValue.Of(waitTicks, leadTicks) with
        {
            // Report the share in whole minutes so the numbers shown are readable.
            Numerator = (long)TimeSpan.FromTicks(waitTicks).TotalMinutes,
            Denominator = (long)TimeSpan.FromTicks(leadTicks).TotalMinutes,
        };

        var inRange = facts.Approvals.Where(a => a.At >= from && a.At < to).ToList();
        var skipped = inRange.Count(a => a.Outcome == ApprovalOutcome.Skipped);
        var byRole = inRange
            .Where(a => a.Outcome != ApprovalOutcome.Skipped)
            .GroupBy(a => a.Role, StringComparer.OrdinalIgnoreCase)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var asks = g.Count();
                var approved = g.Count(a => a.Outcome == ApprovalOutcome.Approved);
                var rejected = g.Count(a => a.Outcome == ApprovalOutcome.Rejected);
                var timedOut = g.Count(a => a.Outcome == ApprovalOutcome.TimedOut);
                var latency = DurationValue.Of(g
                    .Where(a => a.Outcome != ApprovalOutcome.TimedOut && a.AskedAt is { } asked && asked <= a.At)
                    .Select(a => a.At - a.AskedAt!.Value));
                return new RoleApprovalValue(g.Key, asks, approved, rejected, timedOut, RateValue.Of(rejected, asks), RateValue.Of(timedOut, asks), latency);
            })
            .ToList();
        return new ApprovalLatencyValue(wait, share, byRole, skipped);
    }

    /// <summary>
    /// Releases of <paramref name="type"/> the policy's cadence expects in <paramref name="days"/> days: one per period of the
    /// type's <see cref="ReleaseCadence"/> (quarterly 365.25/4 days, monthly 365.25/12, bi-weekly 14, weekly 7, daily 1).
    /// Null for a type without a cadence (an emergency basis expects none).
    /// </summary>
    public static decimal? ExpectedReleases(ReleasePolicy policy, ReleaseType type, double days) =>
        ReleaseCadence.Of(policy, type) is { } cadence
            ? Math.Round((decimal)(days / cadence.AverageDays), 2, MidpointRounding.AwayFromZero)
            : null;
}
