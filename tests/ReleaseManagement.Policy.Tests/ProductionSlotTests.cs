using ReleaseManagement.Releases;
using static ReleaseManagement.Policy.Tests.TestPolicies;

namespace ReleaseManagement.Policy.Tests;

/// <summary>The one rule for when a release reaches production (<see cref="ProductionSlot"/>).</summary>
public class ProductionSlotTests
{
    private static readonly DateOnly Tuesday = new(2026, 12, 15);

    private static ReleasePolicy WithWindows(params WeeklyWindow[] windows) => Default with
    {
        ReleaseWindows = new() { Weekly = windows, Blackouts = [] },
    };

    private static WeeklyWindow Window(DayOfWeek day, int hour, int minute, TimeSpan duration) =>
        new() { Day = day, Start = new TimeOnly(hour, minute), Duration = duration };

    private static ReleaseRequest Request(ReleaseType type, DateOnly target) => new("r", "Release", type, ["Billing"], target);

    [Fact]
    public void Of_PlannedWindowedDate_IsThatDaysWindow()
    {
        var slot = ProductionSlot.Of(Default, Tuesday, ProductionSlot.AsPlanned);

        Assert.Equal(Tuesday, slot.Date);
        Assert.Equal(new WindowOccurrence(NewYorkTime(2026, 12, 15, 20), NewYorkTime(2026, 12, 16, 0)), slot.Window);
        Assert.Equal(NewYorkTime(2026, 12, 15, 20), slot.Start);
        Assert.Equal(NewYorkTime(2026, 12, 16, 0), slot.End);
    }

    [Fact]
    public void Of_DateWithoutAWindow_IsTheNextWindowAsTheOrchestrationWaitsForIt()
    {
        // Monday has no window: a windowed release targeting it reaches production in Tuesday's.
        var slot = ProductionSlot.Of(Default, Tuesday.AddDays(-1), ProductionSlot.AsPlanned);

        Assert.Equal(Tuesday, slot.Date);
        Assert.Equal(NewYorkTime(2026, 12, 15, 20), slot.Start);
        Assert.False(slot.HasWindowOn(Default, Tuesday.AddDays(-1)));
        Assert.True(slot.HasWindowOn(Default, Tuesday));
    }

    [Fact]
    public void Of_NowAfterTheTargetDatesWindow_IsTheNextOneFromNow()
    {
        var slot = ProductionSlot.Of(Default, Tuesday, NewYorkTime(2026, 12, 16, 9));

        Assert.Equal(new DateOnly(2026, 12, 17), slot.Date);
        Assert.Equal(NewYorkTime(2026, 12, 17, 20), slot.Start);
    }

    [Fact]
    public void Of_NowInsideTheWindow_IsThatOpenWindow()
    {
        var slot = ProductionSlot.Of(Default, Tuesday, NewYorkTime(2026, 12, 15, 21));

        Assert.Equal(NewYorkTime(2026, 12, 15, 20), slot.Start);
        Assert.True(slot.Window!.Contains(NewYorkTime(2026, 12, 15, 21)));
    }

    [Fact]
    public void Of_NowBeforeTheTargetDate_IsTheSlotAsPlanned()
    {
        Assert.Equal(ProductionSlot.Of(Default, Tuesday, ProductionSlot.AsPlanned), ProductionSlot.Of(Default, Tuesday, NewYorkTime(2026, 12, 1, 9)));
    }

    [Fact]
    public void Of_Hotfix_IsItsTargetDayTimedFromThatDaysWindow()
    {
        var tuesday = ProductionSlot.Of(Default, Request(ReleaseType.Hotfix, Tuesday), ProductionSlot.AsPlanned);
        var wednesday = ProductionSlot.Of(Default, Request(ReleaseType.Hotfix, Tuesday.AddDays(1)), ProductionSlot.AsPlanned);

        Assert.False(tuesday.WaitsForWindow);
        Assert.Equal((Tuesday, NewYorkTime(2026, 12, 15, 20)), (tuesday.Date, tuesday.Start));
        Assert.Null(wednesday.Window);
        Assert.Equal((Tuesday.AddDays(1), NewYorkTime(2026, 12, 16, 0), NewYorkTime(2026, 12, 17, 0)), (wednesday.Date, wednesday.Start, wednesday.End));
    }

    [Fact]
    public void Overlaps_HotfixAndWindowedReleaseSameDay_ByDateNotByWindow()
    {
        var hotfix = ProductionSlot.Of(Default, Request(ReleaseType.Hotfix, Tuesday), ProductionSlot.AsPlanned);
        var minor = ProductionSlot.Of(Default, Request(ReleaseType.Minor, Tuesday), ProductionSlot.AsPlanned);
        var thursday = ProductionSlot.Of(Default, Request(ReleaseType.Minor, Tuesday.AddDays(2)), ProductionSlot.AsPlanned);

        Assert.True(hotfix.Overlaps(minor));
        Assert.False(hotfix.Overlaps(thursday));
    }

    [Fact]
    public void Of_NoWindowInTheHorizon_IsTheTargetDay()
    {
        var slot = ProductionSlot.Of(WithWindows(), Tuesday, ProductionSlot.AsPlanned);

        Assert.Null(slot.Window);
        Assert.Equal(Tuesday, slot.Date);
        Assert.Equal(NewYorkTime(2026, 12, 15, 0), slot.Start);
    }

    [Fact]
    public void Of_SpringForwardDay_HasA23HourDayAndTheShiftedWindow()
    {
        // 2026-03-08: New York jumps from 02:00 EST to 03:00 EDT; a 02:30 window opens at 03:30 EDT.
        var sunday = new DateOnly(2026, 3, 8);
        var policy = WithWindows(Window(DayOfWeek.Sunday, 2, 30, TimeSpan.FromHours(2)));
        var hotfix = ProductionSlot.Of(WithWindows(), Request(ReleaseType.Hotfix, sunday), ProductionSlot.AsPlanned);
        var windowed = ProductionSlot.Of(policy, sunday, ProductionSlot.AsPlanned);

        Assert.Equal(TimeSpan.FromHours(23), hotfix.End - hotfix.Start);
        Assert.Equal(new DateTimeOffset(2026, 3, 8, 3, 30, 0, TimeSpan.FromHours(-4)), windowed.Start);
        Assert.Equal(sunday, windowed.Date);
    }

    [Fact]
    public void Of_FallBackDay_HasA25HourDayAndTheFirstOccurrenceOfTheRepeatedHour()
    {
        var sunday = new DateOnly(2026, 11, 1);
        var policy = WithWindows(Window(DayOfWeek.Sunday, 1, 30, TimeSpan.FromHours(1)));
        var hotfix = ProductionSlot.Of(WithWindows(), Request(ReleaseType.Hotfix, sunday), ProductionSlot.AsPlanned);
        var windowed = ProductionSlot.Of(policy, sunday, ProductionSlot.AsPlanned);

        Assert.Equal(TimeSpan.FromHours(25), hotfix.End - hotfix.Start);
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 5, 30, 0, TimeSpan.Zero), windowed.Start.ToUniversalTime());
    }

    [Fact]
    public void Of_WindowOpeningTheDayBefore_IsNotTheTargetDatesWindowAsPlanned()
    {
        // A Monday 22:00-04:00 window is open at the start of Tuesday; planned for Tuesday, the release waits for a window
        // opening on Tuesday or later (as validation and the notices count a day's windows), here the next Monday's.
        var policy = WithWindows(Window(DayOfWeek.Monday, 22, 0, TimeSpan.FromHours(6)));
        var planned = ProductionSlot.Of(policy, Tuesday, ProductionSlot.AsPlanned);
        var onTheDay = ProductionSlot.Of(policy, Tuesday, NewYorkTime(2026, 12, 15, 1));

        Assert.Equal(NewYorkTime(2026, 12, 21, 22), planned.Start);
        Assert.False(planned.HasWindowOn(policy, Tuesday));
        Assert.Equal(NewYorkTime(2026, 12, 14, 22), onTheDay.Start);
        Assert.True(onTheDay.HasWindowOn(policy, Tuesday));
    }

    [Fact]
    public void Of_UtcPolicyZone_DatesAreUtcDays()
    {
        var policy = Default with { TimeZone = "Etc/UTC" };
        var slot = ProductionSlot.Of(policy, Tuesday, ProductionSlot.AsPlanned);

        Assert.Equal(new DateTimeOffset(2026, 12, 15, 20, 0, 0, TimeSpan.Zero), slot.Start);
        Assert.Equal(Tuesday, slot.Date);
    }

    [Fact]
    public void Of_TheCallersAgree_WindowStepValidationConflictsTimelineAndNotices()
    {
        // The same T everywhere: the communication timeline's T is the slot's start, validation accepts the date.
        var request = Request(ReleaseType.Minor, Tuesday);
        var slot = ProductionSlot.Of(Default, request, ProductionSlot.AsPlanned);
        var timeline = CommunicationSchedule.For(Default, request, NewYorkTime(2026, 10, 1, 9));

        Assert.NotEmpty(timeline);
        Assert.All(timeline, c => Assert.Equal(slot.Start + c.Offset, c.At));
    }
}
