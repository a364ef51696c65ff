using System.Globalization;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api.Dashboard;

/// <summary>
/// The next eight weeks in the policy time zone: production windows, blackouts, target dates of active releases, the
/// T-offset notices due, and active releases that share a system in the same production window (<see cref="ReleaseConflicts"/>).
/// </summary>
public sealed record CalendarView(IReadOnlyList<CalendarWeek> Weeks, string TimeZone, string UpdatedAt, string SelfUrl)
{
    public const int WeekCount = 8;

    /// <param name="policy">The current policy: the days' windows and blackouts, and the conflicts between releases (as a new
    /// request is judged against the stored ones).</param>
    /// <param name="policyOf">The policy each active release runs under (<see cref="ReleasePolicies"/>): its notices' dates.</param>
    public static CalendarView Build(
        ReleasePolicy policy, IReadOnlyList<ReleaseRecord> records, Func<ReleaseRecord, ReleasePolicy> policyOf, DisplayFormat format, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policyOf);
        var zone = format.Zone;
        var today = PolicyTime.LocalDate(zone, now);
        var monday = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        var active = records.Where(r => r.Status == ReleaseStatus.Active).ToArray();

        // The core's conflict rule (same production window); each pair once, on the day of its window.
        var conflictsByDay = ReleaseConflicts.Among(policy, active)
            .Where(c => string.CompareOrdinal(c.ReleaseId, c.OtherId) < 0)
            .OrderBy(c => c.ReleaseId, StringComparer.Ordinal)
            .ThenBy(c => c.OtherId, StringComparer.Ordinal)
            .ToLookup(c => c.Slot.Date);
        var notices = active
            .SelectMany(r => CommunicationSchedule.For(policyOf(r), r.Request, now)
                .Where(c => c.At >= now)
                .Select(c => (Date: PolicyTime.LocalDate(zone, c.At), Notice: new CalendarNotice(
                    r.Request.Id, DashboardRoutes.Release(r.Request.Id), Offset(c.Offset), c.Description, format.Time(c.At)[11..]))))
            .ToLookup(x => x.Date, x => x.Notice);
        var weeks = Enumerable.Range(0, WeekCount).Select(w =>
        {
            var start = monday.AddDays(7 * w);
            var days = Enumerable.Range(0, 7).Select(d =>
            {
                var date = start.AddDays(d);
                var blackout = policy.ReleaseWindows.Blackouts.FirstOrDefault(b => b.From <= date && date <= b.To);
                var windows = WindowCalendar.WindowsOn(policy, date)
                    .Select(o => $"{TimeZoneInfo.ConvertTime(o.Start, zone):HH:mm}–{TimeZoneInfo.ConvertTime(o.End, zone):HH:mm}")
                    .ToArray();
                var cancelled = blackout is not null && policy.ReleaseWindows.Weekly.Any(x => x.Day == date.DayOfWeek);
                var targeting = active.Where(r => r.Request.TargetDate == date).OrderBy(r => r.Request.Id, StringComparer.Ordinal).ToArray();
                var conflicts = conflictsByDay[date]
                    .Select(c => $"{c.ReleaseId} and {c.OtherId} both change {c.System}.")
                    .ToArray();
                return new CalendarDay(
                    DisplayFormat.Date(date),
                    date.ToString("ddd d MMM", CultureInfo.InvariantCulture),
                    date == today,
                    date < today,
                    windows,
                    blackout?.Reason,
                    cancelled,
                    targeting.Select(r => new CalendarRelease(r.Request.Id, r.Request.Title, r.Request.Systems, DashboardRoutes.Release(r.Request.Id))).ToArray(),
                    notices[date].ToArray(),
                    conflicts);
            }).ToArray();
            return new CalendarWeek($"Week of {start.ToString("d MMMM yyyy", CultureInfo.InvariantCulture)}", DisplayFormat.Date(start), days);
        }).ToArray();
        return new CalendarView(weeks, zone.Id, format.Time(now), DashboardRoutes.Calendar);
    }

    private static string Offset(TimeSpan offset) =>
        offset == TimeSpan.Zero ? "T"
        : (offset < TimeSpan.Zero ? "T-" : "T+") + (offset.Duration().Ticks % TimeSpan.TicksPerDay == 0
            ? $"{offset.Duration().TotalDays.ToString("0", CultureInfo.InvariantCulture)}d"
            : $"{offset.Duration().TotalHours.ToString("0.#", CultureInfo.InvariantCulture)}h");
}

public sealed record CalendarWeek(string Title, string Start, IReadOnlyList<CalendarDay> Days);

public sealed record CalendarDay(
    string Date,
    string Label,
    bool IsToday,
    bool IsPast,
    IReadOnlyList<string> Windows,
    string? Blackout,
    bool WindowCancelled,
    IReadOnlyList<CalendarRelease> Releases,
    IReadOnlyList<CalendarNotice> Notices,
    IReadOnlyList<string> Conflicts);

public sealed record CalendarRelease(string Id, string Title, IReadOnlyList<string> Systems, string Url);

public sealed record CalendarNotice(string ReleaseId, string Url, string Offset, string Description, string Time);
