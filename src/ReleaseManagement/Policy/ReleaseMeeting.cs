using System.Text.Json.Serialization;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Policy;

/// <summary>
/// A stakeholder meeting of the communication plan ("regular release planning and review meetings"), sent as a calendar
/// invite to its audiences when the release's communication timeline starts, moved with the release and cancelled with it.
/// A meeting before T (<see cref="Offset"/> negative: the planning meeting) is held before the release; one after T (the
/// review) follows the real deployment: it is never before the release is deployed and watched.
/// </summary>
public sealed record ReleaseMeeting
{
    /// <summary>The meeting's id (e.g. <c>release-planning</c>): its invite's UID names it with the release.</summary>
    public required string Id { get; init; }

    /// <summary>What the meeting is, as the invite's title and the timeline name it.</summary>
    public required string Description { get; init; }

    /// <summary>
    /// When, relative to the release's target time T, on the day it falls on: negative before (the planning meeting, -32
    /// days: before the T-30 announcement), positive after (the review, +2 days: after the 24-hour watch).
    /// </summary>
    public required TimeSpan Offset { get; init; }

    /// <summary>The local time of day (the policy's time zone) the meeting starts. Optional; default 10:00.</summary>
    public TimeOnly Start { get; init; } = new(10, 0);

    /// <summary>How long the meeting lasts. Optional; default one hour.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The days meetings are held on (the policy's time zone). Optional; default Monday to Friday (a team whose week runs
    /// Sunday to Thursday names those).
    /// </summary>
    public IReadOnlyList<DayOfWeek> Days { get; init; } = WorkingWeek;

    /// <summary>The default <see cref="Days"/>: Monday to Friday.</summary>
    public static readonly IReadOnlyList<DayOfWeek> WorkingWeek = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    /// <summary>Who is invited (audience names, resolved as every notice's are; <c>webhook:</c> channels are told too).</summary>
    public required IReadOnlyList<string> Audiences { get; init; }

    /// <summary>The release types that hold the meeting. Optional; null or empty: every type.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ReleaseType>? ReleaseTypes { get; init; }

    /// <summary>
    /// The least notice people get: a meeting whose planned time is nearer than this (a release requested at short notice,
    /// a deployment that slipped) moves to the first of its <see cref="Days"/> at <see cref="Start"/> after it. Optional; default one day.
    /// </summary>
    public TimeSpan MinimumNotice { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Whether a release of <paramref name="type"/> holds this meeting.</summary>
    public bool AppliesTo(ReleaseType type) => ReleaseTypes is not { Count: > 0 } types || types.Contains(type);

    /// <summary>A meeting after T (the review) waits for the release to be deployed and watched.</summary>
    [JsonIgnore]
    public bool AfterRelease => Offset > TimeSpan.Zero;
}

/// <summary>
/// When a meeting is held: pure functions of the policy (its time zone), the release's T and a time. A meeting is held on
/// one of its days (<see cref="ReleaseMeeting.Days"/>, Monday to Friday by default) at its start time: a planned day that is
/// not one of them moves to the one before for a meeting before T, to the one after for a meeting after T.
/// </summary>
public static class MeetingSchedule
{
    /// <summary>
    /// The meeting's start for a release whose T is <paramref name="releaseAt"/>, as early as its offset says but never
    /// before <paramref name="notBefore"/> + its minimum notice; null for a meeting before T that no longer fits before T.
    /// </summary>
    public static DateTimeOffset? Start(ReleasePolicy policy, ReleaseMeeting meeting, DateTimeOffset releaseAt, DateTimeOffset notBefore)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(meeting);
        var zone = PolicyTime.Zone(policy);
        var planned = OnItsDay(zone, meeting, PolicyTime.LocalDate(zone, releaseAt + meeting.Offset), meeting.AfterRelease ? 1 : -1);
        var earliest = notBefore + meeting.MinimumNotice;
        var start = planned >= earliest ? planned : FirstAfter(zone, meeting, earliest);
        return !meeting.AfterRelease && start + meeting.Duration > releaseAt ? null : start;
    }

    /// <summary>The meeting's start on the first of its days at or after <paramref name="earliest"/>.</summary>
    public static DateTimeOffset FirstAfter(TimeZoneInfo zone, ReleaseMeeting meeting, DateTimeOffset earliest)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(meeting);
        var date = PolicyTime.LocalDate(zone, earliest);
        var at = OnItsDay(zone, meeting, date, 1);
        while (at < earliest)
        {
            date = date.AddDays(1);
            at = OnItsDay(zone, meeting, date, 1);
        }

        return at;
    }

    // The meeting's start on date, or on the nearest of its days in direction (+1 later, -1 earlier); a meeting without days
    // (refused by the validator) is held on the date itself.
    private static DateTimeOffset OnItsDay(TimeZoneInfo zone, ReleaseMeeting meeting, DateOnly date, int direction)
    {
        for (var i = 0; i < 7 && meeting.Days.Count > 0 && !meeting.Days.Contains(date.DayOfWeek); i++)
        {
            date = date.AddDays(direction);
        }

        return PolicyTime.AtLocal(zone, date, meeting.Start);
    }
}
