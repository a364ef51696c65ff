using System.Globalization;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Metrics;

/// <summary>Which of a reading's systems crossed the policy's post-release thresholds, and how.</summary>
public static class HealthBreaches
{
    public static PerformanceThresholds ThresholdsFor(ReleasePolicy policy, string system) =>
        ApproverDirectory.FindSystem(policy, system)?.Thresholds ?? policy.SuccessCriteria.DefaultThresholds;

    /// <summary>System name to its breaches in words (only systems with at least one). Missing values breach nothing.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Evaluate(ReleasePolicy policy, HealthReading reading)
    {
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
}
