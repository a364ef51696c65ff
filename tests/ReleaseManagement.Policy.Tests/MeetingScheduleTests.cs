using System.Text.Json.Nodes;
using ReleaseManagement.Releases;
using static ReleaseManagement.Policy.Tests.TestPolicies;

namespace ReleaseManagement.Policy.Tests;

/// <summary>
/// The communication plan's meetings (<c>meetings</c>, issue 27 point 3): the defaults, when each is held (its offset's
/// day at its local time, on one of its days, with the least notice) and the policy checks. The default policy's zone is
/// New York; 2027-03-30 is a Tuesday.
/// </summary>
public sealed class MeetingScheduleTests
{
    private static readonly DateTimeOffset T = NewYorkTime(2027, 3, 30, 20);
    private static readonly DateTimeOffset LongBefore = NewYorkTime(2027, 1, 4, 9);

    private static ReleaseMeeting Planning => Default.Meetings.Single(m => m.Id == "release-planning");

    private static ReleaseMeeting Review => Default.Meetings.Single(m => m.Id == "release-review");

    [Fact]
    public void Defaults_PlanningBeforeTheAnnouncementForMajorAndMinor_ReviewAfterTheWatchForEveryType()
    {
        Assert.Equal((-32, new TimeOnly(10, 0), TimeSpan.FromHours(1)), (Planning.Offset.Days, Planning.Start, Planning.Duration));
        Assert.Equal([true, true, false, false], Enum.GetValues<ReleaseType>().Select(Planning.AppliesTo));
        Assert.Equal((2, new TimeOnly(14, 0)), (Review.Offset.Days, Review.Start));
        Assert.All(Enum.GetValues<ReleaseType>(), t => Assert.True(Review.AppliesTo(t)));
        Assert.True(Default.Meetings.Single(m => m.Id == "release-review").Offset > Default.SuccessCriteria.WatchDuration);
        Assert.Equal(ReleaseMeeting.WorkingWeek, Planning.Days);
    }

    [Fact]
    public void Start_PlannedWellAhead_IsTheOffsetsDayAtTheMeetingsLocalTime()
    {
        // T-32 is Friday 2027-02-26; T+2 Thursday 2027-04-01.
        Assert.Equal(NewYorkTime(2027, 2, 26, 10), MeetingSchedule.Start(Default, Planning, T, LongBefore));
        Assert.Equal(NewYorkTime(2027, 4, 1, 14), MeetingSchedule.Start(Default, Review, T, LongBefore));
    }

    [Fact]
    public void Start_OnADayOffTheMeetingsDays_MovesEarlierBeforeT_AndLaterAfterIt()
    {
        var wednesday = NewYorkTime(2027, 3, 31, 20);

        // T-32 is Saturday 2027-02-27: the planning meeting is on the Friday before; T+3 is Saturday 2027-04-03: the review
        // is on the Monday after.
        Assert.Equal(NewYorkTime(2027, 2, 26, 10), MeetingSchedule.Start(Default, Planning, wednesday, LongBefore));
        Assert.Equal(NewYorkTime(2027, 4, 5, 14), MeetingSchedule.Start(Default, Review with { Offset = TimeSpan.FromDays(3) }, wednesday, LongBefore));

        // A week that runs Sunday to Thursday holds it on the Thursday before instead.
        var sundayToThursday = Planning with { Days = [DayOfWeek.Sunday, DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday] };
        Assert.Equal(NewYorkTime(2027, 2, 25, 10), MeetingSchedule.Start(Default, sundayToThursday, wednesday, LongBefore));
    }

    [Fact]
    public void Start_ShortHorizon_MovesToTheFirstDayAfterTheNotice_OrIsNotHeldWhenNothingFitsBeforeT()
    {
        // Requested Thursday 2027-03-25 at noon: a day's notice is Friday noon, after Friday's 10:00; the weekend is off.
        Assert.Equal(NewYorkTime(2027, 3, 29, 10), MeetingSchedule.Start(Default, Planning, T, NewYorkTime(2027, 3, 25, 12)));

        // Requested Monday 2027-03-29 at noon: Tuesday 10:00 is before a day's notice, Wednesday is after T.
        Assert.Null(MeetingSchedule.Start(Default, Planning, T, NewYorkTime(2027, 3, 29, 12)));

        // With no notice required, Tuesday 10:00 to 11:00 still ends before the window opens at 20:00.
        Assert.Equal(NewYorkTime(2027, 3, 30, 10), MeetingSchedule.Start(Default, Planning with { MinimumNotice = TimeSpan.Zero }, T, NewYorkTime(2027, 3, 29, 12)));

        // The review is never dropped: planned before the notice allows, it is on the first day after.
        Assert.Equal(NewYorkTime(2027, 4, 5, 14), MeetingSchedule.Start(Default, Review, T, NewYorkTime(2027, 4, 1, 15)));
    }

    [Fact]
    public void Validate_ZeroOffsetTwiceTheSameIdNoDurationNoDaysOrAnAudienceOfNobody_AreErrorsOnTheirPaths()
    {
        var policy = Default with
        {
            Meetings =
            [
                Planning with { Offset = TimeSpan.Zero, Duration = TimeSpan.Zero },
                Planning with { Audiences = ["no-such-audience"] },
            ],
        };

        var errors = ReleasePolicyLoader.FromPolicy(policy, "code").Errors;
        // A meeting held on no day is refused by the schema already.
        var noDays = ReleasePolicyLoader.FromPolicy(Default with { Meetings = [Planning with { Days = [] }] }, "code").Errors;

        Assert.Contains(errors, e => e.Path == "$.meetings[0].offset" && e.Message.Contains("before T", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "$.meetings[0].duration");
        Assert.Contains(errors, e => e.Path == "$.meetings[1].id" && e.Message.Contains("twice", StringComparison.Ordinal));
        Assert.Contains(noDays, e => e.Path == "$.meetings[0].days");
        Assert.Contains(errors, e => e.Path == "$.meetings[1].audiences[0]");
        Assert.True(ReleasePolicyLoader.FromPolicy(Default, "code").IsValid);
        Assert.True(ReleasePolicyLoader.FromPolicy(Default with { Meetings = [] }, "code").IsValid);
    }

    [Fact]
    public void Parse_MeetingsAsAPolicyFileWritesThem_WithTheirOptionalFields()
    {
        var json = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Default, PolicyJson.Options))!.AsObject();
        json["meetings"] = JsonNode.Parse("""
            [{ "id": "quarterly-review", "description": "Quarterly release review", "offset": "3.00:00:00", "start": "09:30",
               "duration": "00:45:00", "days": ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday"], "audiences": ["stakeholders"],
               "releaseTypes": ["Major"], "minimumNotice": "2.00:00:00" }]
            """);

        var result = ReleasePolicyLoader.Parse(json.ToJsonString());

        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => $"{e.Path}: {e.Message}")));
        var meeting = Assert.Single(result.Policy!.Meetings);
        Assert.Equal((new TimeOnly(9, 30), TimeSpan.FromMinutes(45), TimeSpan.FromDays(2)), (meeting.Start, meeting.Duration, meeting.MinimumNotice));
        Assert.Equal([ReleaseType.Major], meeting.ReleaseTypes);
        Assert.DoesNotContain(DayOfWeek.Friday, meeting.Days);

        json["meetings"]![0]!["start"] = "25:00";
        Assert.Contains(ReleasePolicyLoader.Parse(json.ToJsonString()).Errors, e => e.Path.StartsWith("$.meetings[0].start", StringComparison.Ordinal));
    }
}
