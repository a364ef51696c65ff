using System.Globalization;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api.Dashboard;

/// <summary>How the dashboard writes times, dates and names: the policy's time zone, invariant culture.</summary>
public sealed class DisplayFormat(TimeZoneInfo zone)
{
    public TimeZoneInfo Zone { get; } = zone;

    /// <summary>"2026-12-15 20:00" in the policy time zone.</summary>
    public string Time(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>The machine-readable form for a <c>&lt;time datetime&gt;</c> attribute.</summary>
    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Date(DateOnly date, string format) => date.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>The board column a phase belongs to (a submitted release is shown with those in planning).</summary>
    public static string PhaseName(ReleasePhase phase) => phase switch
    {
        ReleasePhase.Submitted or ReleasePhase.Planning => "Planning",
        ReleasePhase.PostRelease => "Post-release",
        _ => phase.ToString(),
    };

    public static string OutcomeName(ReleaseStatus status) => status switch
    {
        ReleaseStatus.RolledBack => "Rolled back",
        _ => status.ToString(),
    };

    /// <summary>A stage as people say it: "promotion:staging" → "promotion: staging".</summary>
    public static string StageName(string? stage) => stage is null ? "—" : stage.Replace(":", ": ", StringComparison.Ordinal);

    /// <summary>The risk level, the first word of the projected risk text ("High (impact …): …" → "High").</summary>
    public static string? RiskLevel(string? risk)
    {
        if (string.IsNullOrWhiteSpace(risk))
        {
            return null;
        }

        var end = risk.IndexOfAny([' ', ':', '(']);
        return end < 0 ? risk : risk[..end];
    }

    public static string Number(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
