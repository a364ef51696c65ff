using ReleaseManagement.Releases;

namespace ReleaseManagement.Policy;

/// <summary>
/// When a release reaches production, in one place for the lifecycle's window step, request validation, the conflict rule,
/// the communication timeline, the calendar invite and the notices. For a type that uses release windows: the production
/// window occurrence the release waits for — planned ahead (<c>now</c> before its target date), the first window opening on
/// its target date or after; on or after the target date, the window open at <c>now</c> or the next to open (as the
/// orchestration waits for it). For a type that does not wait for a window (hotfix): its target date
/// (<see cref="WaitsForWindow"/> false), timed from the first window of that day when it has one. <see cref="Date"/> is
/// the window's date in the policy time zone; <see cref="Start"/> is T of the communication timeline, <see cref="End"/>
/// the end of the window (or of the day).
/// </summary>
/// <remarks>
/// <c>now</c> is the time from which the release can still reach production: the orchestration passes its own (replayed)
/// time, request validation the time of the request. Whatever must not drift as the clock moves on — stored conflicts, the
/// communication timeline, invites already in calendars — asks for the slot <see cref="AsPlanned"/>.
/// </remarks>
public sealed record ProductionSlot(DateOnly Date, WindowOccurrence? Window)
{
    /// <summary>The <c>now</c> that asks for the slot as planned: from the start of the target date, whatever the clock says.</summary>
    public static readonly DateTimeOffset AsPlanned = DateTimeOffset.MinValue;

    /// <summary>T: the opening of <see cref="Window"/>, or the start of <see cref="Date"/> in the policy time zone.</summary>
    public DateTimeOffset Start { get; init; }

    /// <summary>The close of <see cref="Window"/>, or the end of <see cref="Date"/> in the policy time zone.</summary>
    public DateTimeOffset End { get; init; }

    /// <summary>Whether the release waits for <see cref="Window"/> (false for a type that does not use release windows).</summary>
    public bool WaitsForWindow { get; init; } = true;

    /// <summary>
    /// The slot a release of a type that uses release windows, targeting <paramref name="date"/>, reaches production in when
    /// it can go from <paramref name="now"/> on (<see cref="AsPlanned"/> for the plan).
    /// </summary>
    public static ProductionSlot Of(ReleasePolicy policy, DateOnly date, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var zone = PolicyTime.Zone(policy);
        var from = PolicyTime.StartOfDay(zone, date);
        var window = now < from ? FirstOpening(policy, from) : WindowCalendar.NextWindow(policy, now);
        return window is not null
            ? new ProductionSlot(PolicyTime.LocalDate(zone, window.Start), window) { Start = window.Start, End = window.End }
            : Day(zone, date, null);
    }

    /// <summary>
    /// The slot of <paramref name="release"/>: <see cref="Of(ReleasePolicy, DateOnly, DateTimeOffset)"/> for a type that uses
    /// release windows, else its target date, timed from that day's first window when it has one.
    /// </summary>
    public static ProductionSlot Of(ReleasePolicy policy, ReleaseRequest release, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(release);
        if (policy.ReleaseTypes.TryGetValue(release.Type, out var type) && type.UsesReleaseWindows)
        {
            return Of(policy, release.TargetDate, now);
        }

        var zone = PolicyTime.Zone(policy);
        var first = FirstOpening(policy, PolicyTime.StartOfDay(zone, release.TargetDate));
        return Day(zone, release.TargetDate, first is not null && PolicyTime.LocalDate(zone, first.Start) == release.TargetDate ? first : null);
    }

    /// <summary>Whether <see cref="Window"/> is open on, or opens on, <paramref name="date"/> (a date in the policy time zone).</summary>
    public bool HasWindowOn(ReleasePolicy policy, DateOnly date)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var zone = PolicyTime.Zone(policy);
        return Window is not null && Window.Start < PolicyTime.StartOfDay(zone, date.AddDays(1)) && Window.End > PolicyTime.StartOfDay(zone, date);
    }

    /// <summary>
    /// Whether two releases in these slots reach production together: the same window occurrence when both wait for one,
    /// else the same date.
    /// </summary>
    public bool Overlaps(ProductionSlot other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Window is not null && other.Window is not null && WaitsForWindow && other.WaitsForWindow ? Window == other.Window : Date == other.Date;
    }

    /// <summary>The first window opening at or after <paramref name="from"/> (a window already open then is not counted).</summary>
    private static WindowOccurrence? FirstOpening(ReleasePolicy policy, DateTimeOffset from)
    {
        var window = WindowCalendar.NextWindow(policy, from);
        return window is not null && window.Start < from ? WindowCalendar.NextWindow(policy, window.End) : window;
    }

    private static ProductionSlot Day(TimeZoneInfo zone, DateOnly date, WindowOccurrence? window) =>
        window is not null
            ? new(date, window) { Start = window.Start, End = window.End, WaitsForWindow = false }
            : new(date, null) { Start = PolicyTime.StartOfDay(zone, date), End = PolicyTime.StartOfDay(zone, date.AddDays(1)), WaitsForWindow = window is not null };
}
