using ReleaseManagement.Api.Dashboard;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;
using static ReleaseManagement.Dashboard.Tests.Builders;

namespace ReleaseManagement.Dashboard.Tests;

public sealed class CalendarViewTests
{
    private static CalendarDay Day(CalendarView view, string date) => view.Weeks.SelectMany(w => w.Days).Single(d => d.Date == date);

    [Fact]
    public void Build_EightWeeksFromThisMonday_ShowTheWeeklyWindowsInThePolicyZone()
    {
        var view = CalendarView.Build(DefaultPolicy, [], _ => DefaultPolicy, Format, Now);

        Assert.Equal(CalendarView.WeekCount, view.Weeks.Count);
        Assert.Equal("2026-11-09", view.Weeks[0].Days[0].Date);
        Assert.True(Day(view, "2026-11-10").IsToday);
        Assert.True(Day(view, "2026-11-09").IsPast);
        var windowDays = DefaultPolicy.ReleaseWindows.Weekly.Select(w => w.Day).ToHashSet();
        Assert.All(view.Weeks.SelectMany(w => w.Days), d =>
            Assert.Equal(windowDays.Contains(DateOnly.Parse(d.Date, System.Globalization.CultureInfo.InvariantCulture).DayOfWeek), d.Windows.Count > 0));
        var weekly = DefaultPolicy.ReleaseWindows.Weekly.First(w => w.Day == DayOfWeek.Tuesday);
        Assert.StartsWith(weekly.Start.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture) + "–", Day(view, "2026-11-17").Windows.Single(), StringComparison.Ordinal);
        Assert.Equal("America/New_York", view.TimeZone);
    }

    [Fact]
    public void Build_Blackout_TakesTheWindowAwayAndSaysWhy()
    {
        var policy = DefaultPolicy with
        {
            ReleaseWindows = DefaultPolicy.ReleaseWindows with
            {
                Blackouts = [new Blackout { From = new DateOnly(2026, 11, 24), To = new DateOnly(2026, 11, 27), Reason = "Thanksgiving" }],
            },
        };

        var view = CalendarView.Build(policy, [], _ => policy, Format, Now);

        var tuesday = Day(view, "2026-11-24");
        Assert.Empty(tuesday.Windows);
        Assert.Equal(("Thanksgiving", true), (tuesday.Blackout, tuesday.WindowCancelled));
        Assert.Equal(("Thanksgiving", false), (Day(view, "2026-11-25").Blackout, Day(view, "2026-11-25").WindowCancelled));
        Assert.NotEmpty(Day(view, "2026-12-01").Windows);
    }

    [Fact]
    public void Build_TargetDatesNoticesAndSharedSystems_AreOnTheirDays()
    {
        var target = new DateOnly(2026, 12, 15);
        var view = CalendarView.Build(DefaultPolicy,
        [
            Release("a", systems: ["Billing"], target: target, title: "Alpha"),
            Release("b", systems: ["Billing", "Forecasting"], target: target),
            Release("c", systems: ["Forecasting"], target: target.AddDays(2)),
            Release("gone", systems: ["Billing"], target: target, status: ReleaseStatus.Cancelled),
        ], _ => DefaultPolicy, Format, Now);

        var day = Day(view, "2026-12-15");
        Assert.Equal(["a", "b"], day.Releases.Select(r => r.Id));
        Assert.Equal(["a and b both change Billing."], day.Conflicts);
        Assert.Empty(Day(view, "2026-12-17").Conflicts);
        var dueAt = CommunicationSchedule.For(DefaultPolicy, target, Now).First(c => c.At >= Now);
        var noticeDay = Day(view, DisplayFormat.Date(PolicyTime.LocalDate(Format.Zone, dueAt.At)));
        Assert.Contains(noticeDay.Notices, n => n.ReleaseId == "a" && n.Description == dueAt.Description && n.Offset.StartsWith("T-", StringComparison.Ordinal));
        Assert.DoesNotContain(view.Weeks.SelectMany(w => w.Days).SelectMany(d => d.Notices), n => n.ReleaseId == "gone");
    }
}
