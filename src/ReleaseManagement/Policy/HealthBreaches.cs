using System.Globalization;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Policy;

/// <summary>
/// The one breach rule of the post-release health: which of a reading's systems crossed the thresholds the policy gives
/// them, and how. The post-deployment validation, the watch (each with the policy captured when the release started) and
/// the post-release monitor (with the current policy, for the stored verdict) all judge through here.
/// </summary>
public static class HealthBreaches
{
    /// <summary>The thresholds <paramref name="system"/> must meet: its own, else the policy's defaults.</summary>
    public static PerformanceThresholds ThresholdsFor(ReleasePolicy policy, string system) =>
        ApproverDirectory.FindSystem(policy, system)?.Thresholds ?? policy.SuccessCriteria.DefaultThresholds;

    /// <summary>System name to its breaches in words (only systems with at least one). Missing values breach nothing.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Evaluate(ReleasePolicy policy, HealthReading reading)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(reading);
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var s in reading.Systems)
        {
            var t = ThresholdsFor(policy, s.System);
            var breaches = new List<string>();
            if (s.ErrorRatePercent is { } rate && rate > t.MaxErrorRatePercent)
            {
                breaches.Add(string.Create(CultureInfo.InvariantCulture, $"error rate {rate} % above {t.MaxErrorRatePercent} %"));
            }

            if (s.P95LatencyMilliseconds is { } p95 && p95 > t.MaxP95LatencyMilliseconds)
            {
                breaches.Add(string.Create(CultureInfo.InvariantCulture, $"p95 duration {p95} ms above {t.MaxP95LatencyMilliseconds} ms"));
            }

            if (breaches.Count > 0)
            {
                result[s.System] = breaches;
            }
        }

        return result;
    }

    /// <summary>Every breach of <paramref name="reading"/> in one line (<c>Billing: error rate 7 % above 1 %; ...</c>), or null when healthy.</summary>
    public static string? Describe(ReleasePolicy policy, HealthReading reading) =>
        Evaluate(policy, reading) is { Count: > 0 } breaches
            ? string.Join("; ", breaches.SelectMany(kv => kv.Value.Select(b => $"{kv.Key}: {b}")))
            : null;
}
