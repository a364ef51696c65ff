using ReleaseManagement.Ports;

namespace ReleaseManagement.Policy;

/// <summary>
/// The verdict of a health reading per system, as the post-release monitor stores it: <see cref="HealthVerdict.Breached"/>
/// when <see cref="HealthBreaches"/> finds a crossed threshold, else <see cref="HealthVerdict.MissingData"/> when
/// <see cref="HealthData"/> finds data missing, else <see cref="HealthVerdict.Healthy"/>. Missing data is never healthy.
/// </summary>
public static class HealthVerdicts
{
    /// <summary>
    /// One row per system: each of the release's <paramref name="systems"/> (one the reading does not name gets a row
    /// without values, judged missing data) and any other system the reading names.
    /// </summary>
    public static IReadOnlyList<StoredHealth> Judge(ReleasePolicy policy, HealthReading reading, IReadOnlyList<string> systems)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(reading);
        ArgumentNullException.ThrowIfNull(systems);
        var breaches = HealthBreaches.Evaluate(policy, reading);
        return systems.Concat(reading.Systems.Select(s => s.System))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(system =>
            {
                var health = reading.Systems.FirstOrDefault(s => string.Equals(s.System, system, StringComparison.OrdinalIgnoreCase))
                    ?? new SystemHealth(system, null, null, null, null, null, null);
                var crossed = breaches.TryGetValue(system, out var b) ? b : [];
                return new StoredHealth(reading.ReleaseId, reading.At, health, reading.Partial, reading.Error, crossed,
                    Of(crossed, reading with { Systems = [health] }, system, policy));
            })
            .ToList();
    }

    /// <summary>The verdict of one system's values (<paramref name="reading"/> holding that system only).</summary>
    private static HealthVerdict Of(IReadOnlyList<string> breaches, HealthReading reading, string system, ReleasePolicy policy) =>
        breaches.Count > 0 ? HealthVerdict.Breached
        : HealthData.IsMissing(reading, [system], policy) ? HealthVerdict.MissingData
        : HealthVerdict.Healthy;
}
