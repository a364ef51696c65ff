using System.Globalization;
using System.Net;
using System.Text;
using ReleaseManagement.Metrics;

namespace ReleaseManagement.Api.Metrics;

/// <summary>
/// Renders a report as an email-safe HTML document (tables and inline styles only, no scripts, no external resources; the
/// trend charts are small inline SVGs and every charted number is also in a table, so the report reads the same where a
/// mail client drops SVG) and as plain text.
/// </summary>
public static class ReportRenderer
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;
    private const string NoData = "no data";

    public static string Subject(MetricsReport r) => $"Release metrics: {KindWord(r.Kind)} {r.Period}{(r.System is null ? "" : $" ({r.System})")}";

    private static string KindWord(PeriodKind kind) => kind switch
    {
        PeriodKind.Week => "weekly review",
        PeriodKind.Month => "monthly report",
        PeriodKind.Quarter => "quarterly report",
        _ => "daily summary",
    };

    public static string Percent(decimal? v) => v is { } x ? x.ToString("0.##", C) + " %" : NoData;

    public static string Hours(double? h) => h switch
    {
        null => NoData,
        < 1 => (h.Value * 60).ToString("0", C) + " min",
        < 48 => h.Value.ToString("0.#", C) + " h",
        _ => (h.Value / 24).ToString("0.#", C) + " d",
    };

    private static string Band(DoraBanding b) => b.Band is { } band ? $"{band} ({b.Year})" : $"{NoData} ({b.Year})";

    /// <summary>The summary rows: metric, value, target (when the policy has one), met.</summary>
    public static IReadOnlyList<(string Metric, string Value, string Target, bool? Met)> Summary(MetricsReport r)
    {
        var m = r.Overall;
        var t = r.Targets;
        var days = (r.To - r.From).TotalDays;
        var released = m.ReleaseFrequency.Sum(f => f.Releases);
        var perQuarter = released * (365.25 / 4) / days;
        return
        [
            ("Deployment success rate", Percent(m.DeploymentSuccessRate.Percent), $"≥ {t.MinDeploymentSuccessRatePercent} %", m.DeploymentSuccessRate.Percent is { } s ? s >= t.MinDeploymentSuccessRatePercent : null),
            ("Defect escape rate", Percent(m.DefectEscapeRate.Percent), $"≤ {t.MaxDefectEscapeRatePercent} %", m.DefectEscapeRate.Percent is { } d ? d <= t.MaxDefectEscapeRatePercent : null),
            ("Test coverage (median)", Percent(m.TestCoverage.MedianPercent), $"≥ {t.MinTestCoveragePercent} %", m.TestCoverage.MedianPercent is { } c ? c >= t.MinTestCoveragePercent : null),
            ("Rollbacks per release", m.RollbackFrequency.PerRelease is { } pr ? pr.ToString("0.##", C) + $" ({m.RollbackFrequency.Rollbacks} of {m.RollbackFrequency.ReleasesDeployed})" : $"{NoData} ({m.RollbackFrequency.Rollbacks} rollbacks)", $"≤ {t.MaxRollbacksPerReleaseCycle}", m.RollbackFrequency.PerRelease is { } rb ? rb <= t.MaxRollbacksPerReleaseCycle : null),
            ("Deployment time (median / p90)", $"{Hours(m.DeploymentTime.MedianHours)} / {Hours(m.DeploymentTime.P90Hours)}", $"≤ {Hours(t.MaxDeploymentTime.TotalHours)}", m.DeploymentTime.MedianHours is { } dt ? dt <= t.MaxDeploymentTime.TotalHours : null),
            ("Recovery time (median / p90)", $"{Hours(m.RecoveryTime.Duration.MedianHours)} / {Hours(m.RecoveryTime.Duration.P90Hours)}; {m.RecoveryTime.Unresolved} unresolved", $"≤ {Hours(t.MaxRecoveryTime.TotalHours)}", m.RecoveryTime.Duration.MedianHours is { } rt ? rt <= t.MaxRecoveryTime.TotalHours : null),
            ("Change lead time from merge (median / p90)", $"{Hours(m.ChangeLeadTimeFromMerge.MedianHours)} / {Hours(m.ChangeLeadTimeFromMerge.P90Hours)}", $"≤ {Hours(t.MaxChangeLeadTime.TotalHours)}", m.ChangeLeadTimeFromMerge.MedianHours is { } lm ? lm <= t.MaxChangeLeadTime.TotalHours : null),
            ("Change lead time from request (median / p90)", $"{Hours(m.ChangeLeadTimeFromRequest.MedianHours)} / {Hours(m.ChangeLeadTimeFromRequest.P90Hours)}", "", null),
            ("Releases", string.Join(", ", m.ReleaseFrequency.Select(f => $"{f.Type} {f.Releases}" + (f.Expected is { } e ? $"/{e.ToString("0.##", C)}" : ""))), $"≥ {t.MinReleasesPerQuarter} per quarter", m.Deployments == 0 ? null : perQuarter >= t.MinReleasesPerQuarter),
            ("Approval wait (median; share of lead time; stages skipped as pre-approved)", $"{Hours(m.Approvals.Wait.MedianHours)}; {Percent(m.Approvals.WaitShareOfLeadTime.Percent)}; {m.Approvals.SkippedStages.ToString(C)} skipped", "", null),
        ];
    }

    /// <summary>The revision note of a report rebuilt after late events (null when it was not).</summary>
    public static string? Revision(MetricsReport r) => r.Revised
        ? $"Revised {r.RevisedAt?.UtcDateTime.ToString("yyyy-MM-dd HH:mm", C)} UTC: late events changed days it was built from ({string.Join("; ", r.RevisedBecause)})."
        : null;

    public static string Html(MetricsReport r)
    {
        var h = new StringBuilder();
        var m = r.Overall;
        h.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">");
        h.Append("<title>").Append(E(Subject(r))).Append("</title></head>");
        h.Append("<body style=\"margin:0;padding:16px;font-family:Segoe UI,Helvetica,Arial,sans-serif;color:#1b1b1b;background:#ffffff\">");
        h.Append("<h1 style=\"font-size:20px;margin:0 0 4px\">").Append(E(Subject(r))).Append("</h1>");
        h.Append("<p style=\"margin:0 0 16px;color:#555\">").Append(E($"{Local(r.From, r.TimeZone)} to {Local(r.To, r.TimeZone)} ({r.TimeZone}); {m.Deployments} production deployments; generated {r.GeneratedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC. DORA bands of the {r.DoraYear} report.")).Append("</p>");
        if (Revision(r) is { } revised)
        {
            h.Append("<p style=\"margin:0 0 16px;padding:8px;background:#fff4ce;border:1px solid #c19c00\">").Append(E(revised)).Append("</p>");
        }

        Heading(h, "Summary");
        Table(h, ["Metric", "Value", "Target", "Met"], Summary(r).Select(s => new[] { s.Metric, s.Value, s.Target, s.Met switch { true => "yes", false => "NO", null => "–" } }));

        Heading(h, "DORA keys");
        var d = m.Dora;
        Table(h, ["Key", "Value", "Band"],
        [
            ["Deployment frequency", d.DeploymentsPerDay is { } pd ? $"{(pd * 7).ToString("0.##", C)} per week" : NoData, Band(d.DeploymentFrequencyBand)],
            ["Lead time for changes (median)", Hours(d.LeadTimeForChanges.MedianHours), Band(d.LeadTimeBand)],
            ["Change failure rate", d.ChangeFailureRate.NoData ? NoData : $"{Percent(d.ChangeFailureRate.Percent)} ({d.ChangeFailureRate.Numerator} of {d.ChangeFailureRate.Denominator})", Band(d.ChangeFailureRateBand)],
            ["Failed deployment recovery time (median)", Hours(d.FailedDeploymentRecoveryTime.MedianHours), Band(d.RecoveryTimeBand)],
        ]);

        Heading(h, "Trend");
        h.Append("<table role=\"presentation\" style=\"border-collapse:collapse\"><tr>");
        Chart(h, "Deployments per week", r.Trend.Select(p => p.DeploymentsPerDay * 7).ToList());
        Chart(h, "Lead time, median h", r.Trend.Select(p => p.LeadTimeMedianHours).ToList());
        Chart(h, "Change failure rate %", r.Trend.Select(p => (double?)p.ChangeFailureRatePercent).ToList());
        Chart(h, "Recovery, median h", r.Trend.Select(p => p.RecoveryMedianHours).ToList());
        h.Append("</tr></table>");
        Table(h, ["Period", "Deployments", "Per week", "Lead time", "Change failure", "Recovery", "Success"], r.Trend.Select(p => new[]
        {
            p.Period, p.Deployments.ToString(C), p.DeploymentsPerDay is { } x ? (x * 7).ToString("0.##", C) : NoData, Hours(p.LeadTimeMedianHours),
            Percent(p.ChangeFailureRatePercent), Hours(p.RecoveryMedianHours), Percent(p.DeploymentSuccessRatePercent),
        }));

        foreach (var (title, segments) in new[] { ("By system", r.BySystem), ("By release type", r.ByReleaseType), ("By change category", r.ByChangeCategory) })
        {
            Heading(h, title);
            Table(h, ["", "Deployments", "Success", "Change failure", "Lead time", "Deployment time", "Recovery", "Rollbacks"], segments.Select(s => new[]
            {
                s.Name, s.Metrics.Deployments.ToString(C), Percent(s.Metrics.DeploymentSuccessRate.Percent), Percent(s.Metrics.Dora.ChangeFailureRate.Percent),
                Hours(s.Metrics.ChangeLeadTimeFromMerge.MedianHours), Hours(s.Metrics.DeploymentTime.MedianHours), Hours(s.Metrics.RecoveryTime.Duration.MedianHours),
                s.Metrics.RollbackFrequency.Rollbacks.ToString(C),
            }));
        }

        Heading(h, "User satisfaction by release type");
        Table(h, ["", "Releases asked", "Answers", "Mean rating", "Met target", "Not met", "Not enough answers"], r.SatisfactionByReleaseType.Select(s => new[]
        {
            s.Name, s.Releases.ToString(C), $"{s.Responses.ToString(C)} of {s.Asked.ToString(C)}", s.Mean is { } mean ? mean.ToString("0.##", C) + " of 5" : NoData,
            s.Met.ToString(C), s.NotMet.ToString(C), s.NotEnoughAnswers.ToString(C),
        }));

        if (r.Objectives is { } objectives)
        {
            Heading(h, "Business objectives");
            Table(h, ["Releases with objectives", "Objectives", "Met", "Not met", "Missing data", "Pending"], [
            [
                objectives.Releases.ToString(C), objectives.Objectives.ToString(C), objectives.Met.ToString(C), objectives.NotMet.ToString(C),
                objectives.MissingData.ToString(C), objectives.Pending.ToString(C),
            ]]);
        }

        Heading(h, "Approvals by role");
        Table(h, ["Role", "Asked", "Approved", "Rejected", "Timed out", "Rejection rate", "Timeout rate", "Latency median / p90"],
            m.Approvals.ByRole.Select(a => new[]
            {
                a.Role, a.Asks.ToString(C), a.Approved.ToString(C), a.Rejected.ToString(C), a.TimedOut.ToString(C), Percent(a.RejectionRate.Percent),
                Percent(a.TimeoutRate.Percent), $"{Hours(a.Latency.MedianHours)} / {Hours(a.Latency.P90Hours)}",
            }));
        h.Append("<p style=\"margin:16px 0 0;color:#555;font-size:12px\">Definitions: docs/metrics.md. \"no data\" means nothing was measured in the period, not zero.</p>");
        h.Append("</body></html>");
        return h.ToString();
    }

    public static string Text(MetricsReport r)
    {
        var t = new StringBuilder();
        t.AppendLine(Subject(r)).AppendLine(CultureInfo.InvariantCulture, $"{Local(r.From, r.TimeZone)} to {Local(r.To, r.TimeZone)} ({r.TimeZone}); DORA {r.DoraYear}").AppendLine();
        if (Revision(r) is { } revised)
        {
            t.AppendLine(revised).AppendLine();
        }

        foreach (var s in Summary(r))
        {
            t.AppendLine(CultureInfo.InvariantCulture, $"{s.Metric}: {s.Value}{(s.Target.Length > 0 ? $" (target {s.Target})" : "")}");
        }

        var d = r.Overall.Dora;
        t.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"DORA: deployment frequency {Band(d.DeploymentFrequencyBand)}, lead time {Band(d.LeadTimeBand)}, change failure rate {Band(d.ChangeFailureRateBand)}, recovery {Band(d.RecoveryTimeBand)}");
        t.AppendLine().AppendLine("Trend:");
        foreach (var p in r.Trend)
        {
            t.AppendLine(CultureInfo.InvariantCulture, $"  {p.Period}: {p.Deployments} deployments, lead time {Hours(p.LeadTimeMedianHours)}, change failure {Percent(p.ChangeFailureRatePercent)}, recovery {Hours(p.RecoveryMedianHours)}");
        }

        t.AppendLine().AppendLine("User satisfaction by release type:");
        foreach (var s in r.SatisfactionByReleaseType)
        {
            t.AppendLine(CultureInfo.InvariantCulture,
                $"  {s.Name}: {(s.Mean is { } mean ? mean.ToString("0.##", C) + " of 5" : NoData)} from {s.Responses} of {s.Asked} asked in {s.Releases} release(s); target met {s.Met}, not met {s.NotMet}, not enough answers {s.NotEnoughAnswers}");
        }

        if (r.Objectives is { } o)
        {
            t.AppendLine().AppendLine(CultureInfo.InvariantCulture,
                $"Business objectives: {o.Objectives} in {o.Releases} release(s): met {o.Met}, not met {o.NotMet}, missing data {o.MissingData}, pending {o.Pending}");
        }

        return t.ToString();
    }

    private static string Local(DateTimeOffset at, string zoneId) =>
        Policy.PolicyTime.TryFindZone(zoneId, out var zone) ? TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd HH:mm", C) : at.ToString("u", C);

    private static void Heading(StringBuilder h, string text) =>
        h.Append("<h2 style=\"font-size:16px;margin:20px 0 6px\">").Append(E(text)).Append("</h2>");

    private static void Table(StringBuilder h, string[] header, IEnumerable<string[]> rows)
    {
        h.Append("<table style=\"border-collapse:collapse;font-size:13px\"><tr>");
        foreach (var c in header)
        {
            h.Append("<th style=\"text-align:left;border-bottom:1px solid #999;padding:4px 10px 4px 0\">").Append(E(c)).Append("</th>");
        }

        h.Append("</tr>");
        foreach (var row in rows)
        {
            h.Append("<tr>");
            foreach (var c in row)
            {
                var style = c is "NO" ? "color:#a4262c;font-weight:bold;" : c.StartsWith(NoData, StringComparison.Ordinal) ? "color:#777;" : "";
                h.Append("<td style=\"").Append(style).Append("border-bottom:1px solid #e1e1e1;padding:4px 10px 4px 0\">").Append(E(c)).Append("</td>");
            }

            h.Append("</tr>");
        }

        h.Append("</table>");
    }

    /// <summary>A 160×48 line chart; gaps where a period has no data. Its numbers are in the trend table too.</summary>
    private static void Chart(StringBuilder h, string title, IReadOnlyList<double?> values)
    {
        const int W = 160, H = 48, Pad = 4;
        var known = values.Where(v => v is not null).Select(v => v!.Value).ToList();
        var max = known.Count == 0 ? 1 : Math.Max(known.Max(), 1e-9);
        h.Append("<td style=\"padding:0 14px 0 0;vertical-align:top;font-size:12px;color:#555\">").Append(E(title)).Append("<br>");
        h.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{E(title)}\">");
        h.Append(CultureInfo.InvariantCulture, $"<line x1=\"0\" y1=\"{H - 1}\" x2=\"{W}\" y2=\"{H - 1}\" stroke=\"#ccc\" stroke-width=\"1\"/>");
        var step = values.Count > 1 ? (W - (2.0 * Pad)) / (values.Count - 1) : 0;
        var points = new List<string>();
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is not { } v)
            {
                Flush(h, points);
                continue;
            }

            var x = Pad + (i * step);
            var y = H - Pad - (v / max * (H - (2.0 * Pad)));
            points.Add(string.Create(CultureInfo.InvariantCulture, $"{x:0.#},{y:0.#}"));
            h.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{x:0.#}\" cy=\"{y:0.#}\" r=\"2\" fill=\"#0f6cbd\"/>");
        }

        Flush(h, points);
        h.Append("</svg></td>");

        static void Flush(StringBuilder h, List<string> points)
        {
            if (points.Count > 1)
            {
                h.Append("<polyline fill=\"none\" stroke=\"#0f6cbd\" stroke-width=\"1.5\" points=\"").Append(string.Join(' ', points)).Append("\"/>");
            }

            points.Clear();
        }
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
