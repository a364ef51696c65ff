using System.Globalization;
using System.Text;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Monitoring;

/// <summary>
/// The KQL templates of the four health metrics and the one batched query built from them. A template is a KQL query that
/// returns one row with a real column <c>value</c> for one system over one window; placeholders: <c>{start}</c> and
/// <c>{end}</c> (datetime literals, end exclusive) and <c>{role}</c> (a string literal: the system's cloud role name).
/// </summary>
public static class HealthQueryTemplates
{
    public const string ErrorRate = "errorRate";
    public const string P95DurationMs = "p95DurationMs";
    public const string Availability = "availability";
    public const string ExceptionCount = "exceptionCount";

    public const string ReleaseWindow = "release";
    public const string BaselineWindow = "baseline";

    public static readonly IReadOnlyList<string> Metrics = [ErrorRate, P95DurationMs, Availability, ExceptionCount];

    /// <summary>Defaults for workspace-based Application Insights tables.</summary>
    public static readonly IReadOnlyDictionary<string, string> Defaults = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [ErrorRate] = "AppRequests | where TimeGenerated >= {start} and TimeGenerated < {end} and AppRoleName == {role} | summarize value = iff(count() == 0, real(null), 100.0 * countif(Success == false) / count())",
        [P95DurationMs] = "AppRequests | where TimeGenerated >= {start} and TimeGenerated < {end} and AppRoleName == {role} | summarize value = percentile(DurationMs, 95)",
        [Availability] = "AppAvailabilityResults | where TimeGenerated >= {start} and TimeGenerated < {end} and AppRoleName == {role} | summarize value = iff(count() == 0, real(null), 100.0 * countif(Success == true) / count())",
        [ExceptionCount] = "AppExceptions | where TimeGenerated >= {start} and TimeGenerated < {end} and AppRoleName == {role} | summarize value = todouble(count())",
    };

    public static string Template(MonitoringOptions options, string system, string metric)
    {
        if (options.Systems.TryGetValue(system, out var s) && s.Queries.TryGetValue(metric, out var own) && !string.IsNullOrWhiteSpace(own))
        {
            return own;
        }

        return options.Queries.TryGetValue(metric, out var common) && !string.IsNullOrWhiteSpace(common) ? common : Defaults[metric];
    }

    public static string RoleName(MonitoringOptions options, string system) =>
        options.Systems.TryGetValue(system, out var s) && !string.IsNullOrWhiteSpace(s.RoleName) ? s.RoleName! : system;

    /// <summary>
    /// One query for every release, system, metric and window: the filled templates tagged and unioned, then summarised to
    /// one row per (ReleaseId, System, Metric, Window) with its Value.
    /// </summary>
    public static string Build(MonitoringOptions options, IReadOnlyList<HealthQuery> queries)
    {
        var parts = new List<string>();
        foreach (var q in queries)
        {
            foreach (var system in q.Systems.Distinct(StringComparer.OrdinalIgnoreCase))
            {
                foreach (var metric in Metrics)
                {
                    parts.Add(Part(options, q.ReleaseId, system, metric, ReleaseWindow, q.WindowStart, q.WindowEnd));
                    parts.Add(Part(options, q.ReleaseId, system, metric, BaselineWindow, q.BaselineStart, q.BaselineEnd));
                }
            }
        }

        var text = new StringBuilder("union\n");
        text.AppendJoin(",\n", parts);
        text.Append("\n| summarize Value = take_any(value) by ReleaseId, System, Metric, Window");
        return text.ToString();
    }

    private static string Part(MonitoringOptions options, string releaseId, string system, string metric, string window, DateTimeOffset start, DateTimeOffset end)
    {
        var body = Template(options, system, metric)
            .Replace("{start}", Datetime(start), StringComparison.Ordinal)
            .Replace("{end}", Datetime(end), StringComparison.Ordinal)
            .Replace("{role}", Literal(RoleName(options, system)), StringComparison.Ordinal);
        return $"  ({body} | project value = todouble(value) | extend ReleaseId = {Literal(releaseId)}, System = {Literal(system)}, Metric = {Literal(metric)}, Window = {Literal(window)})";
    }

    public static string Datetime(DateTimeOffset at) =>
        $"datetime({at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture)})";

    /// <summary>A KQL string literal: double-quoted with backslash escapes.</summary>
    public static string Literal(string value)
    {
        var b = new StringBuilder("\"");
        foreach (var c in value)
        {
            b.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ => c.ToString(),
            });
        }

        return b.Append('"').ToString();
    }
}
