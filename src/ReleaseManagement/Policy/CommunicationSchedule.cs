namespace ReleaseManagement.Policy;

public enum CommunicationStatus
{
    /// <summary>Due at or after now.</summary>
    Scheduled,

    /// <summary>Its time passed before the schedule was made: it is reported, not silently dropped.</summary>
    Missed,
}

/// <summary>One communication of a release's timeline, at a concrete time.</summary>
public sealed record ScheduledCommunication(
    string Id,
    string Description,
    DateTimeOffset At,
    TimeSpan Offset,
    IReadOnlyList<string> Audiences,
    string Template,
    CommunicationStatus Status)
{
    /// <summary>What the notice carries besides its text (<see cref="CommunicationAttachments"/>).</summary>
    public IReadOnlyList<string> Attach { get; init; } = [];
}

/// <summary>The communication timeline for a release (T-30 ... T+1), in time order.</summary>
public static class CommunicationSchedule
{
    /// <summary>The timeline around <paramref name="releaseAt"/> (T); events before <paramref name="now"/> are Missed.</summary>
    public static IReadOnlyList<ScheduledCommunication> For(ReleasePolicy policy, DateTimeOffset releaseAt, DateTimeOffset now) =>
        policy.Communications
            .Select(c =>
            {
                var at = releaseAt + c.Offset;
                return new ScheduledCommunication(c.Id, c.Description, at, c.Offset, c.Audiences, c.Template,
                    at < now ? CommunicationStatus.Missed : CommunicationStatus.Scheduled) { Attach = c.Attach };
            })
            .OrderBy(s => s.At)
            .ThenBy(s => s.Id, StringComparer.Ordinal)
            .ToArray();

    /// <summary>The timeline for a target date: T is <see cref="ReleaseTime"/> of that date.</summary>
    public static IReadOnlyList<ScheduledCommunication> For(ReleasePolicy policy, DateOnly targetDate, DateTimeOffset now) =>
        For(policy, ReleaseTime(policy, targetDate), now);

    /// <summary>T for a target date: the opening of its first production window, or the start of the day when it has none.</summary>
    public static DateTimeOffset ReleaseTime(ReleasePolicy policy, DateOnly targetDate) =>
        WindowCalendar.WindowsOn(policy, targetDate) is [var first, ..]
            ? first.Start
            : PolicyTime.StartOfDay(PolicyTime.Zone(policy), targetDate);
}
