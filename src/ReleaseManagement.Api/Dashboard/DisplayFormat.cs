using System.Globalization;
using System.Text.RegularExpressions;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api.Dashboard;

/// <summary>How the dashboard writes times, dates and names: the policy's time zone, invariant culture.</summary>
public sealed partial class DisplayFormat(TimeZoneInfo zone)
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

    /// <summary>
    /// A projected stage (<see cref="ReleaseStages"/>, or an approval stage key while the release waits for that approval)
    /// as people say it: "gate:development" → "Development gate", "promotion:staging" → "Promotion to Staging",
    /// "deploy:production" → "Deployment to Production", "plan" → "Plan approval".
    /// </summary>
    public static string StageName(string? stage)
    {
        if (string.IsNullOrWhiteSpace(stage))
        {
            return "—";
        }

        var colon = stage.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0)
        {
            var (kind, target) = (stage[..colon], Capitalize(stage[(colon + 1)..]));
            return kind switch
            {
                "gate" => $"{target} gate",
                "promotion" => $"Promotion to {target}",
                "deploy" => $"Deployment to {target}",
                "rollback" => $"Rollback of {target}",
                _ => $"{Capitalize(kind)}: {target}",
            };
        }

        return stage switch
        {
            ReleaseStages.Milestones => "Development milestones",
            ReleaseStages.Window => "Production window",
            ReleaseStages.Validation => "Post-deployment validation",
            ReleaseStages.SuccessCriteria => "Success criteria",
            ReleaseStages.EmergencyReview => "Emergency change review",
            ApprovalStageKeys.Plan or ApprovalStageKeys.Emergency => $"{Capitalize(stage)} approval",
            _ => Capitalize(stage),
        };
    }

    /// <summary>An approval stage key as people say it: "plan" → "Plan approval", "promotion:staging" → "Staging promotion approval".</summary>
    public static string ApprovalName(string stage)
    {
        var colon = stage.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && stage[..colon] == "promotion"
            ? $"{Capitalize(stage[(colon + 1)..])} promotion approval"
            : stage is ApprovalStageKeys.Plan or ApprovalStageKeys.Emergency ? StageName(stage) : $"{StageName(stage)} approval";
    }

    /// <summary>
    /// A status reason or timeline line with the stage keys it names written as people say them: "Gate gate:development:
    /// Pending." → "Development gate: Pending.", "plan: Approved by …" → "Plan approval: Approved by …" (the orchestration
    /// writes stage keys into some of its lines).
    /// </summary>
    public static string Message(string message) =>
        ApprovalLine().Replace(
            StageKey().Replace(GateLine().Replace(message, m => StageName(m.Groups["stage"].Value)), m => StageName(m.Value)),
            m => ApprovalName(m.Groups["stage"].Value) + ":");

    private static string Capitalize(string text) =>
        text.Length == 0 ? text : string.Concat(char.ToUpperInvariant(text[0]).ToString(), text[1..].Replace('-', ' '));

    [GeneratedRegex(@"\bGate (?<stage>gate:[a-z0-9-]+)", RegexOptions.CultureInvariant)]
    private static partial Regex GateLine();

    [GeneratedRegex(@"\b(?:gate|promotion|deploy|rollback):[a-z0-9-]+\b", RegexOptions.CultureInvariant)]
    private static partial Regex StageKey();

    /// <summary>A line that starts with an approval stage key ("plan: Approved by …").</summary>
    [GeneratedRegex(@"^(?<stage>plan|emergency):", RegexOptions.CultureInvariant)]
    private static partial Regex ApprovalLine();

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
