using ReleaseManagement.Releases;

namespace ReleaseManagement.Policy;

/// <summary>
/// When a release reaches production, in one place for the lifecycle's window step, request validation, the conflict rule,
/// the communication timeline, the calendar invite and the notices: the production window occurrence the release waits for
/// (the first window open at, or opening after, the later of the start of its target date and <c>now</c>, as the
/// orchestration waits for it), or — for a type that does not use release windows (hotfix) or when no window opens — its
/// target date. <see cref="Date"/> is the window's date in the policy time zone; <see cref="Start"/> is T of the
/// communication timeline, <see cref="End"/> the end of the window (or of the day).
/// </summary>
/// <remarks>
/// <c>now</c> is the time from which the release can still reach production: the orchestration passes its own (replayed)
/// time, request validation the time of the request. Whatever must not drift as the clock moves on — stored conflicts, the
/// communication timeline, invites already in calendars — asks for the slot <see cref="AsPlanned"/> (from the start of the
/// target date), so that a release past its window does not appear to move.
/// </remarks>
public sealed record ProductionSlot(DateOnly Date, WindowOccurrence? Window)
{
    /// <summary>The <c>now</c> that asks for the slot as planned: from the start of the target date, whatever the clock says.</summary>
    public static readonly DateTimeOffset AsPlanned = DateTimeOffset.MinValue;

    /// <summary>T: the opening of <see cref="Window"/>, or the start of <see cref="Date"/> in the policy time zone.</summary>
    public DateTimeOffset Start { get; init; }

    /// <summary>The close of <see cref="Window"/>, or the end of <see cref="Date"/> in the policy time zone.</summary>
    public DateTimeOffset End { get; init; }

    /// <summary>
    /// The slot a release of a type that uses release windows, targeting <paramref name="date"/>, reaches production in when
    /// it can go from <paramref name="now"/> on (<see cref="AsPlanned"/> for the plan).
    /// </summary>
    public static ProductionSlot Of(ReleasePolicy policy, DateOnly date, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var zone = PolicyTime.Zone(policy);
        var from = PolicyTime.StartOfDay(zone, date);
        return WindowCalendar.NextWindow(policy, from > now ? from : now) is { } window
            ? new ProductionSlot(PolicyTime.LocalDate(zone, window.Start), window) { Start = window.Start, End = window.End }
            : Day(zone, date);
    }

    /// <summary>
    /// The slot of <paramref name="release"/>: <see cref="Of(ReleasePolicy, DateOnly, DateTimeOffset)"/> for a type that uses
    /// release windows, else its target date (a hotfix goes when it is ready).
    /// </summary>
    public static ProductionSlot Of(ReleasePolicy policy, ReleaseRequest release, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(release);
        return policy.ReleaseTypes.TryGetValue(release.Type, out var type) && type.UsesReleaseWindows
            ? Of(policy, release.TargetDate, now)
            : Day(PolicyTime.Zone(policy), release.TargetDate);
    }

    /// <summary>Whether <see cref="Window"/> is open on, or opens on, <paramref name="date"/> (a date in the policy time zone).</summary>
    public bool HasWindowOn(ReleasePolicy policy, DateOnly date) =>
        Window is not null && Window.Start < PolicyTime.StartOfDay(PolicyTime.Zone(policy), date.AddDays(1))
            && Window.End > PolicyTime.StartOfDay(PolicyTime.Zone(policy), date);

    /// <summary>
    /// Whether two releases in these slots reach production together: the same window occurrence when both have one, else
    /// the same date.
    /// </summary>
    public bool Overlaps(ProductionSlot other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Window is not null && other.Window is not null ? Window == other.Window : Date == other.Date;
    }

    private static ProductionSlot Day(TimeZoneInfo zone, DateOnly date) =>
        new(date, null) { Start = PolicyTime.StartOfDay(zone, date), End = PolicyTime.StartOfDay(zone, date.AddDays(1)) };
}
