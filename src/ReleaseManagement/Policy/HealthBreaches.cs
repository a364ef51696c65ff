using System.Globalization;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Policy;

/// <summary>
/// The one breach rule of the post-release health: which of a reading's systems crossed the thresholds the policy gives
/// them, and how: error rate, p95 duration, availability, and the exception count's increase over the baseline. The post-deployment validation, the watch (each with the policy captured when the release started) and
/// the post-release monitor (with the current policy, for the stored verdict) all judge through here.
/// </summary>
public static class HealthBreaches
{
    /// <summary>The thresholds <paramref name="system"/> must meet: its own, else the policy's defaults.</summary>
    public static PerformanceThresholds ThresholdsFor(ReleasePolicy policy, string system) =>
        ApproverDirectory.FindSystem(policy, system)?.Thresholds ?? policy.SuccessCriteria.DefaultThresholds;

    /// <summary>The lowest availability a system with thresholds <paramref name="t"/> must keep: its own, else the default's; null judges none.</summary>
    public static decimal? MinAvailability(ReleasePolicy policy, PerformanceThresholds t) =>
        t.MinAvailabilityPercent ?? policy.SuccessCriteria.DefaultThresholds.MinAvailabilityPercent;

    /// <summary>The largest exception increase over the baseline (percent) for thresholds <paramref name="t"/>: its own, else the default's.</summary>
    public static decimal? MaxExceptionIncrease(ReleasePolicy policy, PerformanceThresholds t) =>
        t.MaxExceptionIncreasePercent ?? policy.SuccessCriteria.DefaultThresholds.MaxExceptionIncreasePercent;

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

            if (MinAvailability(policy, t) is { } minAvailability && s.AvailabilityPercent is { } availability && availability < minAvailability)
            {
                breaches.Add(string.Create(CultureInfo.InvariantCulture, $"availability {availability} % below {minAvailability} %"));
            }

            if (MaxExceptionIncrease(policy, t) is { } maxIncrease && s.ExceptionCount is { } exceptions
                && s.BaselineExceptionCount is { } baseline && baseline > 0)
            {
                var increase = Math.Round((exceptions - baseline) * 100m / baseline, 1, MidpointRounding.AwayFromZero);
                if (increase > maxIncrease)
                {
                    breaches.Add(string.Create(CultureInfo.InvariantCulture, $"exceptions {exceptions} up {increase} % on the baseline's {baseline}, above {maxIncrease} %"));
                }
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
