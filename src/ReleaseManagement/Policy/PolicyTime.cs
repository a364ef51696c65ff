using System.Collections.Concurrent;

namespace ReleaseManagement.Policy;

/// <summary>Time zone arithmetic in the policy's IANA time zone, daylight saving included.</summary>
public static class PolicyTime
{
    private static readonly ConcurrentDictionary<string, TimeZoneInfo> Zones = new(StringComparer.Ordinal);

    /// <summary>Finds an IANA time zone (Windows ids are refused so that a policy means the same on every host).</summary>
    public static bool TryFindZone(string? id, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        if (string.IsNullOrWhiteSpace(id))
        {
            return false;
        }

        if (Zones.TryGetValue(id, out var cached))
        {
            zone = cached;
            return true;
        }

        try
        {
            var found = TimeZoneInfo.FindSystemTimeZoneById(id);
            if (!found.HasIanaId && !TimeZoneInfo.TryConvertIanaIdToWindowsId(id, out _))
            {
                return false;
            }

            zone = Zones.GetOrAdd(id, found);
            return true;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }

    /// <summary>The policy's time zone; the policy has been validated, so it exists.</summary>
    public static TimeZoneInfo Zone(ReleasePolicy policy) =>
        TryFindZone(policy.TimeZone, out var zone)
            ? zone
            : throw new InvalidOperationException($"The policy time zone '{policy.TimeZone}' is not an IANA time zone on this host.");

    /// <summary>The calendar date at <paramref name="at"/> in <paramref name="zone"/>.</summary>
    public static DateOnly LocalDate(TimeZoneInfo zone, DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);

    /// <summary>
    /// The instant the wall clock in <paramref name="zone"/> shows <paramref name="time"/> on <paramref name="date"/>.
    /// A time skipped by a daylight-saving jump is moved forward by the jump (02:30 becomes 03:30); a time that
    /// occurs twice resolves to its first occurrence.
    /// </summary>
    public static DateTimeOffset AtLocal(TimeZoneInfo zone, DateOnly date, TimeOnly time)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        TimeSpan offset;
        if (zone.IsInvalidTime(local))
        {
            // The offset in force before the jump: the wall time read with it lands after the jump, shifted by its length.
            offset = zone.GetUtcOffset(local.AddDays(-1));
        }
        else if (zone.IsAmbiguousTime(local))
        {
            offset = zone.GetAmbiguousTimeOffsets(local).Max();
        }
        else
        {
            offset = zone.GetUtcOffset(local);
        }

        return TimeZoneInfo.ConvertTime(new DateTimeOffset(local, offset), zone);
    }

    /// <summary>The instant <paramref name="date"/> begins in <paramref name="zone"/>.</summary>
    public static DateTimeOffset StartOfDay(TimeZoneInfo zone, DateOnly date) => AtLocal(zone, date, TimeOnly.MinValue);

    /// <summary>A duration in words for messages: "3 days", "1 hour", "00:00:30".</summary>
    public static string Describe(TimeSpan duration)
    {
        static string Plural(long n, string unit) => n == 1 ? $"1 {unit}" : $"{n} {unit}s";

        if (duration == TimeSpan.Zero)
        {
            return "0 days";
        }

        if (duration.Ticks % TimeSpan.TicksPerDay == 0)
        {
            return Plural(duration.Ticks / TimeSpan.TicksPerDay, "day");
        }

        if (duration.Ticks % TimeSpan.TicksPerHour == 0)
        {
            return Plural(duration.Ticks / TimeSpan.TicksPerHour, "hour");
        }

        if (duration.Ticks % TimeSpan.TicksPerMinute == 0)
        {
            return Plural(duration.Ticks / TimeSpan.TicksPerMinute, "minute");
        }

        return duration.ToString();
    }

    /// <summary>An instant as the policy zone's wall clock, for messages: "2026-12-15 20:00 (Tuesday) America/New_York".</summary>
    public static string DescribeLocal(TimeZoneInfo zone, DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        return $"{local:yyyy-MM-dd HH:mm} ({local.DayOfWeek}) {zone.Id}";
    }
}
