using ReleaseManagement.Metrics;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Metrics.Tests;

/// <summary>Builders for hand-written facts. Times are UTC: T(11, 3, 10) is 2026-11-03T10:00Z.</summary>
internal static class Facts
{
    public static ReleasePolicy Utc => ReleasePolicyDefaults.Create() with { TimeZone = "UTC" };

    public static DateTimeOffset T(int month, int day, int hour = 0, int minute = 0, int year = 2026) =>
        new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    public static ReleaseSegment Seg(string? release, string? system, ReleaseType? type = null, ChangeCategory? category = null) =>
        new(release, system, type, category);

    public static readonly ReleaseSegment R1 = Seg("R1", "Billing", ReleaseType.Minor, ChangeCategory.Normal);
    public static readonly ReleaseSegment R2 = Seg("R2", "Billing", ReleaseType.Patch, ChangeCategory.Normal);
    public static readonly ReleaseSegment R3 = Seg("R3", "Forecasting", ReleaseType.Hotfix, ChangeCategory.Emergency);
    public static readonly ReleaseSegment R4 = Seg("R4", "Billing", ReleaseType.Minor, ChangeCategory.Standard);

    public static DeploymentFact Deploy(ReleaseSegment s, DateTimeOffset at, bool ok = true, DateTimeOffset? requested = null,
        DateTimeOffset? merged = null, DateTimeOffset? approved = null, TimeSpan? wait = null) =>
        new(s, at, ok, requested, merged, approved, wait);

    /// <summary>
    /// November 2026 (UTC), worked by hand in docs/metrics.md style:
    /// five production deployments (one failed), two rollbacks (one on 1 December, undoing the 30 November deployment),
    /// three incidents (one from October resolved in November, one never resolved), four test runs, five approval asks.
    /// </summary>
    public static MetricFacts November() => new()
    {
        Deployments =
        [
            Deploy(Seg("R0", "Billing", ReleaseType.Minor, ChangeCategory.Normal), T(10, 31, 23), requested: T(10, 1)),
            Deploy(R1, T(11, 3, 10), requested: T(10, 1, 10), merged: T(11, 1, 10), approved: T(11, 3, 6), wait: TimeSpan.FromHours(24)),
            Deploy(R2, T(11, 10, 12), ok: false, requested: T(11, 2, 12)),
            Deploy(R2, T(11, 10, 14), requested: T(11, 2, 12), merged: T(11, 9, 14), approved: T(11, 10, 12), wait: TimeSpan.FromHours(12)),
            Deploy(R3, T(11, 20), requested: T(11, 19, 22), merged: T(11, 19, 23), approved: T(11, 19, 23, 30), wait: TimeSpan.FromMinutes(30)),
            Deploy(R4, T(11, 30, 23), requested: T(11, 20, 23), merged: T(11, 28, 23), approved: T(11, 30, 21)),
        ],
        Rollbacks =
        [
            new RollbackFact(R2, T(11, 11), T(11, 10, 14)),
            new RollbackFact(R4, T(12, 1, 1), T(11, 30, 23)),
        ],
        Incidents =
        [
            new IncidentFact(Seg(null, "Billing"), T(10, 30), "INC-3", false, null),
            new IncidentFact(R2, T(11, 10, 20), "INC-1", true, T(11, 10, 14)),
            new IncidentFact(Seg(null, "Forecasting"), T(11, 25), "INC-2", false, null),
        ],
        Recoveries =
        [
            new RecoveryFact(Seg(null, "Billing"), T(11, 2), "INC-3", T(10, 30), false),
            new RecoveryFact(R2, T(11, 11), "INC-1", T(11, 10, 20), true),
        ],
        TestRuns =
        [
            new TestRunFact(R1, T(11, 2), "Staging", false, 3, 85m),
            new TestRunFact(R1, T(11, 2, 1), "Integration", true, 0, 82m),
            new TestRunFact(R2, T(11, 9), "Integration", false, 0, 70m),
            new TestRunFact(R3, T(11, 20), "Production", false, 2, null),
        ],
        Approvals =
        [
            new ApprovalFact(R1, T(10, 15), "plan", "technical-lead", ApprovalOutcome.Rejected, T(10, 14)),
            new ApprovalFact(R1, T(11, 1, 10), "plan", "technical-lead", ApprovalOutcome.Approved, T(10, 31, 10)),
            new ApprovalFact(R1, T(11, 1, 12), "plan", "product-owner", ApprovalOutcome.Rejected, T(10, 31, 12)),
            new ApprovalFact(R2, T(11, 5), "promotion:production", "release-manager", ApprovalOutcome.TimedOut, T(11, 3)),
            new ApprovalFact(R2, T(11, 10, 10), "promotion:production", "release-manager", ApprovalOutcome.Approved, T(11, 10)),
            new ApprovalFact(R3, T(11, 19, 23, 30), "emergency", "technical-lead", ApprovalOutcome.Approved, T(11, 19, 22, 30)),
        ],
    };
}
