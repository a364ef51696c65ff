using ReleaseManagement.Ports;

namespace ReleaseManagement.Policy;

/// <summary>
/// Whether a health reading holds the data the thresholds judge. A reading is <b>missing data</b> when the monitoring
/// service answered only in part or with an error, named no system, or a system of the release has no value for what
/// <see cref="HealthBreaches"/> judges (no requests in the window). Missing data is never "targets met": what follows
/// from it is <see cref="SuccessCriteria.OnMissingHealthData"/>'s decision.
/// </summary>
public static class HealthData
{
    /// <summary>
    /// What <paramref name="reading"/> lacks for the release's <paramref name="systems"/>, in words
    /// (<c>Billing: no error rate, no p95 duration (no requests in the window)</c>), or null when it has everything.
    /// With no systems given, every system of the reading is checked.
    /// </summary>
    /// <param name="policy">When given, availability is required too for a system whose thresholds judge it
    /// (<see cref="HealthBreaches.MinAvailability"/>). The exception increase needs a baseline, so its absence is not missing data.</param>
    public static string? Missing(HealthReading reading, IReadOnlyList<string> systems, ReleasePolicy? policy = null)
    {
        ArgumentNullException.ThrowIfNull(reading);
        ArgumentNullException.ThrowIfNull(systems);
        var gaps = new List<string>();
        if (!string.IsNullOrWhiteSpace(reading.Error))
        {
            gaps.Add($"the monitoring query failed ({reading.Error.Trim()})");
        }

        if (reading.Partial)
        {
            gaps.Add("the monitoring service answered only in part");
        }

        if (reading.Systems.Count == 0)
        {
            gaps.Add("no system reported any health");
        }
        else
        {
            var expected = systems.Count > 0 ? systems : reading.Systems.Select(s => s.System).ToArray();
            foreach (var system in expected.Distinct(StringComparer.OrdinalIgnoreCase))
            {
                var health = reading.Systems.FirstOrDefault(s => string.Equals(s.System, system, StringComparison.OrdinalIgnoreCase));
                if (health is null)
                {
                    gaps.Add($"{system}: no health reported");
                    continue;
                }

                var absent = new List<string>(2);
                if (health.ErrorRatePercent is null)
                {
                    absent.Add("no error rate");
                }

                if (health.P95LatencyMilliseconds is null)
                {
                    absent.Add("no p95 duration");
                }

                if (policy is not null && health.AvailabilityPercent is null
                    && HealthBreaches.MinAvailability(policy, HealthBreaches.ThresholdsFor(policy, system)) is not null)
                {
                    absent.Add("no availability");
                }

                if (absent.Count > 0)
                {
                    gaps.Add($"{system}: {string.Join(", ", absent)} (no requests in the window)");
                }
            }
        }

        return gaps.Count == 0 ? null : string.Join("; ", gaps);
    }

    /// <summary>Whether <paramref name="reading"/> is missing data for <paramref name="systems"/> (<see cref="Missing"/>).</summary>
    public static bool IsMissing(HealthReading reading, IReadOnlyList<string> systems, ReleasePolicy? policy = null) =>
        Missing(reading, systems, policy) is not null;
}
