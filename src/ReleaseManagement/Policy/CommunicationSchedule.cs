using ReleaseManagement.Releases;

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

    /// <summary>What the notice asks its readers to confirm (<see cref="CommunicationEvent.Confirm"/>), if anything.</summary>
    public CommunicationConfirmation? Confirm { get; init; }

    /// <summary>Whether the notice asks its readers for feedback (<see cref="CommunicationEvent.AskFeedback"/>).</summary>
    public bool AskFeedback { get; init; }
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
                    at < now ? CommunicationStatus.Missed : CommunicationStatus.Scheduled) { Attach = c.Attach, Confirm = c.Confirm, AskFeedback = c.AskFeedback };
            })
            .OrderBy(s => s.At)
            .ThenBy(s => s.Id, StringComparer.Ordinal)
            .ToArray();

    /// <summary>
    /// The timeline of <paramref name="release"/>: T is the start of its production slot as planned
    /// (<see cref="ProductionSlot.Of(ReleasePolicy, ReleaseRequest, DateTimeOffset)"/> at <see cref="ProductionSlot.AsPlanned"/>),
    /// so the timeline does not drift as the clock moves on.
    /// </summary>
    public static IReadOnlyList<ScheduledCommunication> For(ReleasePolicy policy, ReleaseRequest release, DateTimeOffset now) =>
        For(policy, ProductionSlot.Of(policy, release, ProductionSlot.AsPlanned).Start, now);

    /// <summary>The timeline of a release of a type that uses release windows, targeting <paramref name="targetDate"/>.</summary>
    public static IReadOnlyList<ScheduledCommunication> For(ReleasePolicy policy, DateOnly targetDate, DateTimeOffset now) =>
        For(policy, ProductionSlot.Of(policy, targetDate, ProductionSlot.AsPlanned).Start, now);
}
