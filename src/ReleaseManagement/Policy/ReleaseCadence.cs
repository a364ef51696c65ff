using System.Globalization;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Policy;

/// <summary>
/// A release type's cadence read from its frequency words (<see cref="ReleaseTypePolicy.Frequency"/>): one release per
/// <see cref="Months"/> calendar months plus <see cref="Days"/> days. "Quarterly" is three months, "Monthly" one month,
/// "Bi-weekly" (or "fortnightly") 14 days, "Weekly" 7 days, "Daily" one day; any other words ("Emergency basis") set no
/// cadence. The one place the words are read: the request-time cadence rule (<see cref="ReleaseAdmission"/>) and the
/// metrics' expected release counts both use it.
/// </summary>
public sealed record ReleaseCadence(int Months, int Days)
{
    /// <summary>The cadence <paramref name="frequency"/> names, or null (no cadence: no limit, no expected count).</summary>
    public static ReleaseCadence? Parse(string? frequency)
    {
        var words = (frequency ?? string.Empty).ToLowerInvariant();
        return words.Contains("quarter", StringComparison.Ordinal) ? new(3, 0)
            : words.Contains("bi-weekly", StringComparison.Ordinal) || words.Contains("biweekly", StringComparison.Ordinal) || words.Contains("fortnight", StringComparison.Ordinal) ? new(0, 14)
            : words.Contains("month", StringComparison.Ordinal) ? new(1, 0)
            : words.Contains("week", StringComparison.Ordinal) ? new(0, 7)
            : words.Contains("daily", StringComparison.Ordinal) ? new(0, 1)
            : null;
    }

    /// <summary>The cadence of <paramref name="type"/> in <paramref name="policy"/>, or null when the type has none.</summary>
    public static ReleaseCadence? Of(ReleasePolicy policy, ReleaseType type)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.ReleaseTypes.TryGetValue(type, out var typePolicy) ? Parse(typePolicy.Frequency) : null;
    }

    /// <summary>The period's mean length in days (a month is 365.25/12 days), for expected counts over a report range.</summary>
    public double AverageDays => (Months * 365.25 / 12) + Days;

    /// <summary>The earliest target date the next release may have after one on <paramref name="previous"/>: one period later.</summary>
    public DateOnly NextAllowed(DateOnly previous) => previous.AddMonths(Months).AddDays(Days);

    /// <summary>
    /// Whether two releases on <paramref name="a"/> and <paramref name="b"/> are closer than the cadence allows: the later
    /// target date comes before <see cref="NextAllowed"/> of the earlier one (symmetric; the same date always collides).
    /// </summary>
    public bool Collides(DateOnly a, DateOnly b)
    {
        var (earlier, later) = a <= b ? (a, b) : (b, a);
        return later < NextAllowed(earlier);
    }

    /// <summary>The target dates that collide with <paramref name="target"/>: from one period before (exclusive) to one period after (exclusive).</summary>
    public (DateOnly From, DateOnly To) CollisionRange(DateOnly target) =>
        (target.AddMonths(-Months).AddDays(-Days).AddDays(1), NextAllowed(target).AddDays(-1));

    /// <summary>The period in words: "3 months", "14 days".</summary>
    public string Describe() => (Months, Days) switch
    {
        (> 0, 0) => Months == 1 ? "1 month" : string.Create(CultureInfo.InvariantCulture, $"{Months} months"),
        (0, _) => Days == 1 ? "1 day" : string.Create(CultureInfo.InvariantCulture, $"{Days} days"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{Months} months and {Days} days"),
    };
}
