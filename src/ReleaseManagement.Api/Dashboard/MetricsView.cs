using System.Globalization;
using ReleaseManagement.Metrics;
using ReleaseManagement.Policy;

namespace ReleaseManagement.Api.Dashboard;

/// <summary>
/// The metrics page: the current month and quarter side by side (the procedure's metrics against the policy's targets,
/// the DORA keys with their bands, approval latency) and trend charts over the earlier months, linking the stored reports.
/// Read from the stored daily rollups only: a period with a finished day not rolled up yet shows "not computed yet" (never
/// zeros), a trend month with one is left out of the charts, and <see cref="NotComputed"/> says so and when the daily
/// rollup runs; <see cref="Stale"/> names the days late events changed that the next rollup recomputes.
/// </summary>
public sealed record MetricsView(
    IReadOnlyList<MetricsColumn> Periods,
    IReadOnlyList<MetricRow> Rows,
    IReadOnlyList<HealthChart> Trends,
    string TimeZone,
    string UpdatedAt,
    string SelfUrl)
{
    public const string NotComputedValue = "not computed yet";

    /// <summary>When the rollups read were computed (the latest of them), or null when none was read.</summary>
    public string? ComputedAt { get; init; }

    /// <summary>Why some figures are not shown, or null when every day the page reads is rolled up.</summary>
    public string? NotComputed { get; init; }

    /// <summary>The days marked stale by a late event, or null when none is.</summary>
    public string? Stale { get; init; }

    public static MetricsView Build(MetricsPageData data, MetricTargets targets, DisplayFormat format, DateTimeOffset now)
    {
        var reports = data.Reports;
        var missing = data.Stored.Missing;
        bool Complete(ReportPeriod period)
        {
            var (from, to) = MetricsPageWindow.DaysWithoutTrend(period, format.Zone, now);
            return data.Stored.Complete(from, to);
        }

        var computed = reports.Select(r => ReportPeriod.TryParse(r.Period, out var p) && Complete(p)).ToArray();
        var sets = reports.Select(r => r.Overall).ToArray();
        MetricRow Row(string group, string name, string target, Func<MetricSet, string> value) =>
            new(group, name, target, sets.Select((m, i) => computed[i] ? value(m) : NotComputedValue).ToArray());
        MetricRow[] rows =
        [
            Row("Procedure", "Deployments", "—", m => m.Deployments.ToString(CultureInfo.InvariantCulture)),
            Row("Procedure", "Release frequency", "per the policy's cadence", m => m.ReleaseFrequency.Count == 0 ? "no data"
                : string.Join(", ", m.ReleaseFrequency.Select(f => f.Expected is { } e ? $"{f.Type} {f.Releases}/{DisplayFormat.Number(e)}" : $"{f.Type} {f.Releases}"))),
            Row("Procedure", "Deployment success rate", $"≥ {DisplayFormat.Number(targets.MinDeploymentSuccessRatePercent)} %", m => Rate(m.DeploymentSuccessRate)),
            Row("Procedure", "Defect escape rate", $"≤ {DisplayFormat.Number(targets.MaxDefectEscapeRatePercent)} %", m => Rate(m.DefectEscapeRate)),
            Row("Procedure", "Test coverage (median)", $"≥ {DisplayFormat.Number(targets.MinTestCoveragePercent)} %", m => m.TestCoverage.MedianPercent is { } c ? $"{DisplayFormat.Number(c)} % ({m.TestCoverage.BelowTarget} below)" : "no data"),
            Row("Procedure", "Rollbacks per release", $"≤ {DisplayFormat.Number(targets.MaxRollbacksPerReleaseCycle)}", m => m.RollbackFrequency.PerRelease is { } r ? $"{DisplayFormat.Number(r)} ({m.RollbackFrequency.Rollbacks}/{m.RollbackFrequency.ReleasesDeployed})" : "no data"),
            Row("Procedure", "Deployment time (median)", $"≤ {PolicyTime.Describe(targets.MaxDeploymentTime)}", m => Duration(m.DeploymentTime)),
            Row("Procedure", "Recovery time (median)", "—", m => Duration(m.RecoveryTime.Duration) + (m.RecoveryTime.Unresolved > 0 ? $", {m.RecoveryTime.Unresolved} unresolved" : "")),
            Row("Procedure", "Change lead time from request (median)", "—", m => Duration(m.ChangeLeadTimeFromRequest)),
            Row("DORA", "Deployment frequency", "band", m => (m.Dora.DeploymentsPerDay is { } d ? $"{d.ToString("0.##", CultureInfo.InvariantCulture)}/day" : "no data") + Band(m.Dora.DeploymentFrequencyBand)),
            Row("DORA", "Lead time for changes (median)", "band", m => Duration(m.Dora.LeadTimeForChanges) + Band(m.Dora.LeadTimeBand)),
            Row("DORA", "Change failure rate", "band", m => Rate(m.Dora.ChangeFailureRate) + Band(m.Dora.ChangeFailureRateBand)),
            Row("DORA", "Failed deployment recovery time (median)", "band", m => Duration(m.Dora.FailedDeploymentRecoveryTime) + Band(m.Dora.RecoveryTimeBand)),
            Row("Approvals", "Approval wait per deployment (median)", "—", m => Duration(m.Approvals.Wait)),
            Row("Approvals", "Approval wait share of lead time", "—", m => Rate(m.Approvals.WaitShareOfLeadTime)),
        ];
        var trend = (reports.FirstOrDefault(r => r.Kind == PeriodKind.Month)?.Trend ?? [])
            .Where(t => ReportPeriod.TryParse(t.Period, out var p) && Complete(p)).ToArray();
        HealthChart[] trends =
        [
            HealthChart.Of($"Deployment success rate by month (target ≥ {DisplayFormat.Number(targets.MinDeploymentSuccessRatePercent)} %)", "%", null,
                trend.Where(t => t.DeploymentSuccessRatePercent is not null).Select(t => (t.Period, t.DeploymentSuccessRatePercent!.Value)).ToArray()),
            HealthChart.Of("Change failure rate by month", "%", null,
                trend.Where(t => t.ChangeFailureRatePercent is not null).Select(t => (t.Period, t.ChangeFailureRatePercent!.Value)).ToArray()),
            HealthChart.Of("Deployments by month", "", null,
                trend.Select(t => (t.Period, (decimal)t.Deployments)).ToArray()),
        ];
        return new MetricsView(
            reports.Select(r => new MetricsColumn($"{(r.Kind == PeriodKind.Quarter ? "Quarter" : "Month")} {r.Period}", $"/api/reports/{Uri.EscapeDataString(r.Period)}")).ToArray(),
            rows,
            trends,
            format.Zone.Id,
            format.Time(now),
            DashboardRoutes.Metrics)
        {
            ComputedAt = data.Stored.ComputedAt is { } at ? format.Time(at) : null,
            NotComputed = missing.Count == 0 ? null
                : $"Not computed yet: {Days(missing)} {(missing.Count == 1 ? "has" : "have")} no daily rollup. This page reads rollups only; "
                    + $"the daily rollup runs {data.RollupRuns} and computes them. Until then the periods that need them say \"{NotComputedValue}\" "
                    + "and the trend charts leave out the months that need them.",
            Stale = data.Stored.Stale.Count == 0 ? null
                : $"Late events changed {Days(data.Stored.Stale)} after {(data.Stored.Stale.Count == 1 ? "it was" : "they were")} rolled up: "
                    + $"shown as last computed; the daily rollup ({data.RollupRuns}) recomputes {(data.Stored.Stale.Count == 1 ? "it" : "them")}.",
        };
    }

    // "12 days (2026-05-01 – 2026-12-06)", or "2026-12-06" for one.
    private static string Days(IReadOnlyList<DateOnly> days)
    {
        static string D(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return days.Count == 1 ? D(days[0]) : $"{days.Count} days ({D(days.Min())} – {D(days.Max())})";
    }

    private static string Rate(RateValue r) => r.Percent is { } p ? $"{DisplayFormat.Number(p)} % ({r.Numerator}/{r.Denominator})" : "no data";

    private static string Duration(DurationValue d) => d.MedianHours is { } h ? $"{h.ToString("0.#", CultureInfo.InvariantCulture)} h (n={d.Count})" : "no data";

    private static string Band(DoraBanding b) => b.Band is { } band ? $" — {band}" : string.Empty;
}

public sealed record MetricsColumn(string Label, string ReportUrl);

public sealed record MetricRow(string Group, string Name, string Target, IReadOnlyList<string> Values);
