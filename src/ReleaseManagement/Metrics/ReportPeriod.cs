using System.Globalization;
using System.Text.RegularExpressions;
using ReleaseManagement.Policy;

namespace ReleaseManagement.Metrics;

public enum PeriodKind
{
    Day,
    Week,
    Month,
    Quarter,
}

/// <summary>
/// A reporting period in local calendar terms (the policy time zone): a day <c>2026-11-03</c>, an ISO week <c>2026-W45</c>,
/// a month <c>2026-11</c> or a quarter <c>2026-Q4</c>. <see cref="Start"/> and <see cref="End"/> are local dates
/// (end exclusive); <see cref="Bounds"/> turns them into instants, so a day across a daylight-saving change is 23 or 25 hours.
/// </summary>
public sealed partial record ReportPeriod(PeriodKind Kind, DateOnly Start, DateOnly End)
{
    public string Label => Kind switch
    {
        PeriodKind.Day => Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        PeriodKind.Week => $"{ISOWeek.GetYear(Start.ToDateTime(TimeOnly.MinValue))}-W{ISOWeek.GetWeekOfYear(Start.ToDateTime(TimeOnly.MinValue)):D2}",
        PeriodKind.Month => Start.ToString("yyyy-MM", CultureInfo.InvariantCulture),
        PeriodKind.Quarter => $"{Start.Year}-Q{((Start.Month - 1) / 3) + 1}",
        _ => throw new InvalidOperationException(),
    };

    public int Days => End.DayNumber - Start.DayNumber;

    public override string ToString() => Label;

    public static ReportPeriod Day(DateOnly date) => new(PeriodKind.Day, date, date.AddDays(1));

    public static ReportPeriod Month(int year, int month) => new(PeriodKind.Month, new DateOnly(year, month, 1), new DateOnly(year, month, 1).AddMonths(1));

    public static ReportPeriod Quarter(int year, int quarter) =>
        new(PeriodKind.Quarter, new DateOnly(year, ((quarter - 1) * 3) + 1, 1), new DateOnly(year, ((quarter - 1) * 3) + 1, 1).AddMonths(3));

    public static ReportPeriod Week(int isoYear, int week)
    {
        var monday = DateOnly.FromDateTime(ISOWeek.ToDateTime(isoYear, week, DayOfWeek.Monday));
        return new(PeriodKind.Week, monday, monday.AddDays(7));
    }

    /// <summary>The period of <paramref name="kind"/> containing <paramref name="date"/>.</summary>
    public static ReportPeriod Containing(PeriodKind kind, DateOnly date) => kind switch
    {
        PeriodKind.Day => Day(date),
        PeriodKind.Week => Week(ISOWeek.GetYear(date.ToDateTime(TimeOnly.MinValue)), ISOWeek.GetWeekOfYear(date.ToDateTime(TimeOnly.MinValue))),
        PeriodKind.Month => Month(date.Year, date.Month),
        PeriodKind.Quarter => Quarter(date.Year, ((date.Month - 1) / 3) + 1),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The period just before this one, of the same kind.</summary>
    public ReportPeriod Previous() => Containing(Kind, Start.AddDays(-1));

    /// <summary>The <paramref name="count"/> periods before this one, oldest first.</summary>
    public IReadOnlyList<ReportPeriod> PreviousPeriods(int count)
    {
        var list = new List<ReportPeriod>();
        var p = this;
        for (var i = 0; i < count; i++)
        {
            p = p.Previous();
            list.Insert(0, p);
        }

        return list;
    }

    /// <summary>The local days of the period.</summary>
    public IEnumerable<DateOnly> Dates()
    {
        for (var d = Start; d < End; d = d.AddDays(1))
        {
            yield return d;
        }
    }

    /// <summary>The period's instants [from, to): local midnights in <paramref name="zone"/>.</summary>
    public (DateTimeOffset From, DateTimeOffset To) Bounds(TimeZoneInfo zone) =>
        (PolicyTime.AtLocal(zone, Start, TimeOnly.MinValue), PolicyTime.AtLocal(zone, End, TimeOnly.MinValue));

    /// <summary>Parses <c>yyyy-MM-dd</c>, <c>yyyy-Www</c>, <c>yyyy-MM</c> or <c>yyyy-Qn</c>; false for anything else.</summary>
    public static bool TryParse(string? text, out ReportPeriod period)
    {
        period = Day(DateOnly.MinValue);
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var m = Pattern().Match(text.Trim());
        if (!m.Success)
        {
            return false;
        }

        var year = int.Parse(m.Groups["year"].Value, CultureInfo.InvariantCulture);
        if (year is < 2000 or > 9998)
        {
            return false;
        }

        if (m.Groups["quarter"].Success)
        {
            period = Quarter(year, int.Parse(m.Groups["quarter"].Value, CultureInfo.InvariantCulture));
            return true;
        }

        if (m.Groups["week"].Success)
        {
            var week = int.Parse(m.Groups["week"].Value, CultureInfo.InvariantCulture);
            if (week < 1 || week > ISOWeek.GetWeeksInYear(year))
            {
                return false;
            }

            period = Week(year, week);
            return true;
        }

        var month = int.Parse(m.Groups["month"].Value, CultureInfo.InvariantCulture);
        if (month is < 1 or > 12)
        {
            return false;
        }

        if (m.Groups["day"].Success)
        {
            var day = int.Parse(m.Groups["day"].Value, CultureInfo.InvariantCulture);
            if (day < 1 || day > DateTime.DaysInMonth(year, month))
            {
                return false;
            }

            period = Day(new DateOnly(year, month, day));
            return true;
        }

        period = Month(year, month);
        return true;
    }

    [GeneratedRegex(@"^(?<year>\d{4})-(?:Q(?<quarter>[1-4])|W(?<week>\d{2})|(?<month>\d{2})(?:-(?<day>\d{2}))?)$")]
    private static partial Regex Pattern();
}
