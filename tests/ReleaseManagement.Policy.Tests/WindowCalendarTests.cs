using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static ReleaseManagement.Policy.Tests.TestPolicies;

namespace ReleaseManagement.Policy.Tests;

public class WindowCalendarTests
{
    private static ReleasePolicy WithWindows(params WeeklyWindow[] windows) => Default with
    {
        ReleaseWindows = new() { Weekly = windows, Blackouts = [] },
    };

    private static WeeklyWindow Window(DayOfWeek day, int hour, int minute, TimeSpan duration) =>
        new() { Day = day, Start = new TimeOnly(hour, minute), Duration = duration };

    [Fact]
    public void NextWindow_TuesdayMorning_ReturnsTuesdayEvening()
    {
        var next = WindowCalendar.NextWindow(Default, NewYorkTime(2026, 12, 15, 9));

        Assert.NotNull(next);
        Assert.Equal(NewYorkTime(2026, 12, 15, 20), next.Start);
        Assert.Equal(NewYorkTime(2026, 12, 16, 0), next.End);
        Assert.Equal(new DateTimeOffset(2026, 12, 16, 1, 0, 0, TimeSpan.Zero), next.Start.ToUniversalTime());
    }

    [Fact]
    public void NextWindow_SummerTuesday_OpensAtLocalEightPmInDaylightTime()
    {
        var next = WindowCalendar.NextWindow(Default, NewYorkTime(2026, 7, 14, 9));

        Assert.NotNull(next);
        Assert.Equal(new DateTimeOffset(2026, 7, 15, 0, 0, 0, TimeSpan.Zero), next.Start.ToUniversalTime());
        Assert.Equal(TimeSpan.FromHours(-4), next.Start.Offset);
    }

    [Fact]
    public void NextWindow_InsideAnOpenWindow_ReturnsThatWindow()
    {
        var at = NewYorkTime(2026, 12, 17, 22, 30);

        var next = WindowCalendar.NextWindow(Default, at);

        Assert.NotNull(next);
        Assert.Equal(NewYorkTime(2026, 12, 17, 20), next.Start);
        Assert.True(next.Contains(at));
        Assert.True(WindowCalendar.IsInWindow(Default, at));
    }

    [Fact]
    public void NextWindow_AtTheClosingInstant_ReturnsTheFollowingWindow()
    {
        var next = WindowCalendar.NextWindow(Default, NewYorkTime(2026, 12, 18, 0));

        Assert.NotNull(next);
        Assert.Equal(NewYorkTime(2026, 12, 22, 20), next.Start);
        Assert.False(WindowCalendar.IsInWindow(Default, NewYorkTime(2026, 12, 18, 0)));
    }

    [Fact]
    public void NextWindow_AtTheOpeningInstant_ReturnsThatWindow()
    {
        var next = WindowCalendar.NextWindow(Default, NewYorkTime(2026, 12, 15, 20));

        Assert.Equal(NewYorkTime(2026, 12, 15, 20), next!.Start);
    }

    [Fact]
    public void NextWindow_WindowsOnBlackoutDates_AreSkipped()
    {
        var policy = Default with
        {
            ReleaseWindows = Default.ReleaseWindows with
            {
                Blackouts = [new() { From = new(2026, 12, 21), To = new(2027, 1, 3), Reason = "Year-end freeze" }],
            },
        };

        var next = WindowCalendar.NextWindow(policy, NewYorkTime(2026, 12, 18, 9));

        Assert.Equal(NewYorkTime(2027, 1, 5, 20), next!.Start);
    }

    [Fact]
    public void NextWindow_WindowRunningIntoABlackoutDay_IsSkipped()
    {
        // Friday 22:00 for 4 hours reaches into Saturday, which is blacked out.
        var policy = WithWindows(Window(DayOfWeek.Friday, 22, 0, TimeSpan.FromHours(4))) with { };
        policy = policy with
        {
            ReleaseWindows = policy.ReleaseWindows with { Blackouts = [new() { From = new(2026, 12, 19), To = new(2026, 12, 19), Reason = "Saturday maintenance" }] },
        };

        var next = WindowCalendar.NextWindow(policy, NewYorkTime(2026, 12, 18, 9));

        Assert.Equal(NewYorkTime(2026, 12, 25, 22), next!.Start);
    }

    [Fact]
    public void NextWindow_NoWeeklyWindows_ReturnsNull()
    {
        Assert.Null(WindowCalendar.NextWindow(WithWindows(), NewYorkTime(2026, 12, 15, 9)));
    }

    [Fact]
    public void NextWindow_EverythingBlackedOut_ReturnsNull()
    {
        var policy = Default with
        {
            ReleaseWindows = Default.ReleaseWindows with
            {
                Blackouts = [new() { From = new(2020, 1, 1), To = new(2040, 1, 1), Reason = "Frozen" }],
            },
        };

        Assert.Null(WindowCalendar.NextWindow(policy, NewYorkTime(2026, 12, 15, 9)));
    }

    [Fact]
    public void NextWindow_StartInTheSpringForwardGap_OpensShiftedByTheJump()
    {
        // 2026-03-08 02:30 does not exist in New York: the clocks jump from 02:00 EST to 03:00 EDT.
        var policy = WithWindows(Window(DayOfWeek.Sunday, 2, 30, TimeSpan.FromHours(2)));

        var next = WindowCalendar.NextWindow(policy, NewYorkTime(2026, 3, 7, 12));

        Assert.NotNull(next);
        Assert.Equal(new DateTimeOffset(2026, 3, 8, 7, 30, 0, TimeSpan.Zero), next.Start.ToUniversalTime());
        Assert.Equal(new DateTimeOffset(2026, 3, 8, 3, 30, 0, TimeSpan.FromHours(-4)), next.Start);
        Assert.Equal(TimeSpan.FromHours(2), next.End - next.Start);
    }

    [Fact]
    public void NextWindow_StartInTheRepeatedFallBackHour_OpensAtTheFirstOccurrence()
    {
        // 2026-11-01 01:30 happens twice in New York (EDT, then EST): the window opens at the first.
        var policy = WithWindows(Window(DayOfWeek.Sunday, 1, 30, TimeSpan.FromHours(1)));

        var next = WindowCalendar.NextWindow(policy, NewYorkTime(2026, 10, 31, 12));

        Assert.NotNull(next);
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 5, 30, 0, TimeSpan.Zero), next.Start.ToUniversalTime());
        Assert.Equal(TimeSpan.FromHours(-4), next.Start.Offset);
    }

    [Fact]
    public void NextWindow_WindowSpanningTheSpringForwardJump_LastsItsElapsedDuration()
    {
        var policy = WithWindows(Window(DayOfWeek.Saturday, 22, 0, TimeSpan.FromHours(8)));

        var next = WindowCalendar.NextWindow(policy, NewYorkTime(2026, 3, 7, 12));

        Assert.NotNull(next);
        Assert.Equal(new DateTimeOffset(2026, 3, 8, 3, 0, 0, TimeSpan.Zero), next.Start.ToUniversalTime());
        Assert.Equal(new DateTimeOffset(2026, 3, 8, 11, 0, 0, TimeSpan.Zero), next.End.ToUniversalTime());
        Assert.Equal(7, TimeZoneInfo.ConvertTime(next.End, NewYork).Hour);
    }

    [Fact]
    public void NextWindow_LongWindowOpenedDaysEarlier_IsStillReturned()
    {
        var policy = WithWindows(Window(DayOfWeek.Friday, 18, 0, TimeSpan.FromDays(3)));

        var next = WindowCalendar.NextWindow(policy, NewYorkTime(2026, 12, 20, 12));

        Assert.Equal(NewYorkTime(2026, 12, 18, 18), next!.Start);
    }

    [Fact]
    public void WindowsOn_DayWithTwoWindows_ReturnsBothInOrder()
    {
        var policy = WithWindows(
            Window(DayOfWeek.Tuesday, 20, 0, TimeSpan.FromHours(2)),
            Window(DayOfWeek.Tuesday, 6, 0, TimeSpan.FromHours(2)));

        var windows = WindowCalendar.WindowsOn(policy, new DateOnly(2026, 12, 15));

        Assert.Equal([NewYorkTime(2026, 12, 15, 6), NewYorkTime(2026, 12, 15, 20)], windows.Select(w => w.Start));
        Assert.Empty(WindowCalendar.WindowsOn(policy, new DateOnly(2026, 12, 16)));
    }

    private static readonly DateTimeOffset Epoch = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Any instant from 2020 to 2030, to the second: spans twenty daylight-saving changes.</summary>
    private static Arbitrary<DateTimeOffset> Instants() =>
        Gen.Choose(0, 10 * 366 * 24 * 60).SelectMany(minute => Gen.Choose(0, 59), (minute, second) => Epoch.AddMinutes(minute).AddSeconds(second))
            .ToArbitrary();

    /// <summary>The reference: scan the wall clock minute by minute for a Tuesday or Thursday 20:00.</summary>
    private static DateTimeOffset FirstOpeningByScanning(DateTimeOffset from)
    {
        var minute = new DateTimeOffset(from.UtcTicks - from.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
        if (minute < from)
        {
            minute = minute.AddMinutes(1);
        }

        for (var t = minute; ; t = t.AddMinutes(1))
        {
            var local = TimeZoneInfo.ConvertTime(t, NewYork);
            if (local.DayOfWeek is DayOfWeek.Tuesday or DayOfWeek.Thursday && local.Hour == 20 && local.Minute == 0)
            {
                return t;
            }
        }
    }

    [Property(MaxTest = 300)]
    public Property NextWindow_AnyInstantAcrossDaylightSavingChanges_MatchesTheWallClock() =>
        Prop.ForAll(Instants(), at =>
        {
            var next = WindowCalendar.NextWindow(Default, at);
            if (next is null)
            {
                return false;
            }

            // The window open at 'at' started within the last four hours; otherwise the next one is the first opening after 'at'.
            var expected = FirstOpeningByScanning(at - TimeSpan.FromHours(4) + TimeSpan.FromTicks(1));
            var local = TimeZoneInfo.ConvertTime(next.Start, NewYork);
            return next.Start == expected
                && next.End - next.Start == TimeSpan.FromHours(4)
                && next.End > at
                && local.Hour == 20 && local.Minute == 0
                && next.Start.Offset == NewYork.GetUtcOffset(next.Start);
        });

    [Property(MaxTest = 300)]
    public Property NextWindow_StartInTheDaylightSavingHour_IsAlwaysOneOpeningPerSunday() =>
        Prop.ForAll(Instants(), at =>
        {
            // 02:30 on a Sunday is skipped once a year and (as 01:30) repeated once a year in New York.
            var policy = WithWindows(Window(DayOfWeek.Sunday, 2, 30, TimeSpan.FromMinutes(30)));
            var next = WindowCalendar.NextWindow(policy, at)!;
            var after = WindowCalendar.NextWindow(policy, next.End)!;
            var local = TimeZoneInfo.ConvertTime(next.Start, NewYork);
            var localDate = DateOnly.FromDateTime(local.DateTime);
            var wallClockOk = local.TimeOfDay == new TimeSpan(2, 30, 0)
                || (local.TimeOfDay == new TimeSpan(3, 30, 0) && NewYork.IsInvalidTime(localDate.ToDateTime(new TimeOnly(2, 30))));
            return local.DayOfWeek == DayOfWeek.Sunday
                && wallClockOk
                && next.End > at
                // A week of wall-clock time is 7 days ± the daylight-saving hour of elapsed time.
                && next.Start <= at + TimeSpan.FromDays(7) + TimeSpan.FromHours(1)
                && after.Start - next.Start >= TimeSpan.FromDays(7) - TimeSpan.FromHours(1)
                && after.Start - next.Start <= TimeSpan.FromDays(7) + TimeSpan.FromHours(1);
        });
}
