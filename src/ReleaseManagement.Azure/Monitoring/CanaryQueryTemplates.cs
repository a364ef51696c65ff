using System.Globalization;
using System.Text;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Monitoring;

/// <summary>
/// The KQL templates of a canary analysis and the one query built from them. Each template reads one side over the
/// window and returns a real column <c>value</c>: <see cref="Durations"/> one row per sampled request,
/// <see cref="UserActions"/> one row per sampled signed-in user (its requests), the others one row with a count. Placeholders: <c>{start}</c>, <c>{end}</c> (datetime literals, end exclusive), <c>{role}</c> (the system's
/// cloud role name), <c>{dimension}</c> (<see cref="CanaryTelemetryOptions.Dimension"/>), <c>{label}</c> (the side's label, a
/// string literal), <c>{environment}</c> (a string literal; the defaults do not use it: one workspace per environment)
/// and <c>{sampleSize}</c>.
/// </summary>
public static class CanaryQueryTemplates
{
    public const string Durations = "durations";
    public const string Requests = "requests";
    public const string Failures = "failures";
    public const string Exceptions = "exceptions";

    /// <summary>User activity: one row per sampled signed-in user, the requests that user made in the window.</summary>
    public const string UserActions = "userActions";

    public const string CanarySide = "canary";
    public const string BaselineSide = "baseline";

    public static readonly IReadOnlyList<string> Names = [Durations, Requests, Failures, Exceptions, UserActions];

    private const string Side = "TimeGenerated >= {start} and TimeGenerated < {end} and AppRoleName == {role} and tostring({dimension}) == {label}";

    /// <summary>Defaults for workspace-based Application Insights tables.</summary>
    public static readonly IReadOnlyDictionary<string, string> Defaults = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [Durations] = $"AppRequests | where {Side} | sample {{sampleSize}} | project value = DurationMs",
        [Requests] = $"AppRequests | where {Side} | summarize value = count()",
        [Failures] = $"AppRequests | where {Side} | summarize value = countif(Success == false)",
        [Exceptions] = $"AppExceptions | where {Side} | summarize value = count()",
        [UserActions] = $"AppRequests | where {Side} and isnotempty(UserId) | summarize value = count() by UserId | sample {{sampleSize}} | project value",
    };

    public static string Template(CanaryTelemetryOptions options, string name) =>
        options.Queries.TryGetValue(name, out var own) && !string.IsNullOrWhiteSpace(own) ? own : Defaults[name];

    /// <summary>
    /// One query for both sides and every template: the filled templates tagged and unioned, projected to
    /// (Side, Metric, Value) rows.
    /// </summary>
    public static string Build(MonitoringOptions options, CanaryQuery query)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(query);
        var parts = new List<string>();
        foreach (var (side, label) in new[] { (CanarySide, query.CanaryLabel), (BaselineSide, query.BaselineLabel) })
        {
            foreach (var name in Names)
            {
                // No baseline label: the baseline is every request the canary's label did not serve.
                var template = Template(options.Canary, name);
                template = side == BaselineSide && string.IsNullOrEmpty(label)
                    ? template.Replace("== {label}", "!= " + HealthQueryTemplates.Literal(query.CanaryLabel), StringComparison.Ordinal)
                    : template;
                var body = template
                    .Replace("{start}", HealthQueryTemplates.Datetime(query.Start), StringComparison.Ordinal)
                    .Replace("{end}", HealthQueryTemplates.Datetime(query.End), StringComparison.Ordinal)
                    .Replace("{role}", HealthQueryTemplates.Literal(HealthQueryTemplates.RoleName(options, query.System)), StringComparison.Ordinal)
                    .Replace("{dimension}", options.Canary.Dimension, StringComparison.Ordinal)
                    .Replace("{label}", HealthQueryTemplates.Literal(label), StringComparison.Ordinal)
                    .Replace("{environment}", HealthQueryTemplates.Literal(query.Environment), StringComparison.Ordinal)
                    .Replace("{sampleSize}", options.Canary.SampleSize.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
                parts.Add($"  ({body} | project Value = todouble(value) | extend Side = {HealthQueryTemplates.Literal(side)}, Metric = {HealthQueryTemplates.Literal(name)})");
            }
        }

        var text = new StringBuilder("union\n");
        text.AppendJoin(",\n", parts);
        text.Append("\n| project Side, Metric, Value");
        return text.ToString();
    }
}
