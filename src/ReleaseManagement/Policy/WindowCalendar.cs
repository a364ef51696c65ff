namespace ReleaseManagement.Policy;

/// <summary>Production release windows as concrete instants: pure functions of the policy and a time.</summary>
public static class WindowCalendar
{
    /// <summary>How far ahead <see cref="NextWindow"/> looks before concluding there is no window.</summary>
    public const int SearchDays = 3 * 366;

    /// <summary>
    /// The production window open at <paramref name="at"/>, or else the first one opening after it; null when none opens
    /// within <see cref="SearchDays"/> days (no weekly windows, or blackouts cover them all).
    /// </summary>
    public static WindowOccurrence? NextWindow(ReleasePolicy policy, DateTimeOffset at)
    {
        var zone = PolicyTime.Zone(policy);
        var windows = policy.ReleaseWindows;
        if (windows.Weekly.Count == 0)
        {
            return null;
        }

        // A window that opened up to a week earlier may still be open, so the search starts a week back.
        var first = PolicyTime.LocalDate(zone, at).AddDays(-7);
        for (var i = 0; i <= SearchDays + 7; i++)
        {
            var date = first.AddDays(i);
            WindowOccurrence? best = null;
            foreach (var occurrence in OpeningsOn(zone, windows, date))
            {
                if (occurrence.End > at && (best is null || occurrence.Start < best.Start))
                {
                    best = occurrence;
                }
            }

            if (best is not null)
            {
                return best;
            }
        }

        return null;
    }

    /// <summary>The windows that open on <paramref name="date"/> (a date in the policy time zone), blackouts excluded, in order.</summary>
    public static IReadOnlyList<WindowOccurrence> WindowsOn(ReleasePolicy policy, DateOnly date) =>
        OpeningsOn(PolicyTime.Zone(policy), policy.ReleaseWindows, date).OrderBy(o => o.Start).ToList();

    /// <summary>Whether <paramref name="at"/> falls inside a production window.</summary>
    public static bool IsInWindow(ReleasePolicy policy, DateTimeOffset at) => NextWindow(policy, at)?.Contains(at) == true;

    /// <summary>The blackout covering <paramref name="occurrence"/>, if any.</summary>
    public static Blackout? BlackoutOf(ReleasePolicy policy, WindowOccurrence occurrence) =>
        BlackoutOf(PolicyTime.Zone(policy), policy.ReleaseWindows, occurrence);

    private static IEnumerable<WindowOccurrence> OpeningsOn(TimeZoneInfo zone, ReleaseWindowPolicy windows, DateOnly date)
    {
        foreach (var window in windows.Weekly)
        {
            if (window.Day != date.DayOfWeek)
            {
                continue;
            }

            var start = PolicyTime.AtLocal(zone, date, window.Start);
            var occurrence = new WindowOccurrence(start, start + window.Duration);
            if (BlackoutOf(zone, windows, occurrence) is null)
            {
                yield return occurrence;
            }
        }
    }

    /// <summary>A window is blacked out when any part of it falls on a blackout date.</summary>
    private static Blackout? BlackoutOf(TimeZoneInfo zone, ReleaseWindowPolicy windows, WindowOccurrence occurrence)
    {
        foreach (var blackout in windows.Blackouts)
        {
            var from = PolicyTime.StartOfDay(zone, blackout.From);
            var to = PolicyTime.StartOfDay(zone, blackout.To.AddDays(1));
            if (occurrence.Start < to && occurrence.End > from)
            {
                return blackout;
            }
        }

        return null;
    }
}
