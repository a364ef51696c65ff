using System.ComponentModel.DataAnnotations;

namespace ReleaseManagement.Azure.Monitoring;

/// <summary>
/// Settings under <c>Monitoring</c> (app settings <c>Monitoring__*</c>): the Log Analytics workspace the post-release
/// health is read from, and the KQL templates per system (docs/metrics.md, "Post-release health").
/// </summary>
public sealed class MonitoringOptions
{
    public const string Section = "Monitoring";

    /// <summary>The Log Analytics API. Default <c>https://api.loganalytics.io</c>; tests point it at a local server.</summary>
    [Required]
    public string Endpoint { get; set; } = "https://api.loganalytics.io";

    /// <summary>The workspace id (a GUID). Empty: monitoring is not configured and every reading says so.</summary>
    public string WorkspaceId { get; set; } = string.Empty;

    /// <summary>The client id of the user-assigned managed identity to query with; empty uses the default credential chain.</summary>
    public string ClientId { get; set; } = string.Empty;

    /// <summary>How long the service may run a query (Prefer: wait=), at most 10 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "Monitoring:ServerTimeout must be between 1 second and 10 minutes.")]
    public TimeSpan ServerTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Retries after 429, 503 and 504 answers.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>Template overrides for every system: metric name (errorRate, p95DurationMs, availability, exceptionCount) to KQL.</summary>
    public Dictionary<string, string> Queries { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Per system (by the policy's system name): its cloud role name and template overrides.</summary>
    public Dictionary<string, MonitoredSystemOptions> Systems { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Business objectives' measures (the policy's <c>businessObjectives.measures</c>) to KQL returning one row with a real
    /// column <c>value</c>; placeholders <c>{start}</c>, <c>{end}</c> (datetime literals, end exclusive) and <c>{roles}</c> (a
    /// KQL dynamic array of the release's systems' cloud role names). App settings <c>Monitoring__Objectives__NAME</c>.
    /// </summary>
    public Dictionary<string, string> Objectives { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The canary analysis's split and templates (app settings <c>Monitoring__Canary__*</c>).</summary>
    public CanaryTelemetryOptions Canary { get; set; } = new();

    public bool IsConfigured => !string.IsNullOrWhiteSpace(WorkspaceId);
}

/// <summary>One system's monitoring: the <c>{role}</c> its templates filter on and its own templates.</summary>
public sealed class MonitoredSystemOptions
{
    /// <summary>The Application Insights cloud role name (AppRoleName); default: the system's name.</summary>
    public string? RoleName { get; set; }

    public Dictionary<string, string> Queries { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
