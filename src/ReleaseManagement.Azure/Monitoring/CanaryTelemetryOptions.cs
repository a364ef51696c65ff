namespace ReleaseManagement.Azure.Monitoring;

/// <summary>
/// Settings under <c>Monitoring:Canary</c> (app settings <c>Monitoring__Canary__*</c>): how a canary's and its baseline's
/// requests are told apart in the workspace and read (docs/deployment-strategies.md, "Analysis at each checkpoint").
/// Validated at start-up (<c>MetricsExtensions</c>).
/// </summary>
public sealed class CanaryTelemetryOptions
{
    /// <summary>The fewest and most request durations sampled per side.</summary>
    public const int MinSampleSize = 50, MaxSampleSize = 100_000;

    /// <summary>
    /// The KQL expression whose value tells the canary from the baseline (the <c>{dimension}</c> placeholder), compared as a
    /// string with the query's labels. Default <c>AppVersion</c> (the version that served the request); for slots, e.g.
    /// <c>tostring(Properties["slot"])</c> (a custom dimension the application sets).
    /// </summary>
    public string Dimension { get; set; } = "AppVersion";

    /// <summary>How many request durations are sampled per side (KQL <c>sample</c>; the <c>{sampleSize}</c> placeholder). Default 5000.</summary>
    public int SampleSize { get; set; } = 5000;

    /// <summary>Template overrides: durations, requests, failures, exceptions (<see cref="CanaryQueryTemplates.Names"/>) to KQL.</summary>
    public Dictionary<string, string> Queries { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
