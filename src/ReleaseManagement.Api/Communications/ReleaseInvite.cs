using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api.Communications;

/// <summary>
/// The production window of a release as an iCalendar (RFC 5545) invite, written by Ical.Net: one UID per release
/// (<c>release-ID@releasefunctions</c>), SEQUENCE raised each time the window moves so calendars replace the event,
/// METHOD:CANCEL (STATUS:CANCELLED) when the release will not ship. Times are UTC; the description names them in the
/// policy's time zone.
/// </summary>
public static class ReleaseInvite
{
    public static string Uid(string releaseId) => $"release-{releaseId}@releasefunctions";

    public static string Create(
        ReleasePolicy policy, ReleaseRequest release, IEnumerable<string> attendees, string organizer, int sequence, bool cancel, string publicBaseUrl)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(release);
        var zone = PolicyTime.Zone(policy);
        // The production slot as planned (the window, or the whole day): the same T as the notices' timeline.
        var slot = ProductionSlot.Of(policy, release, ProductionSlot.AsPlanned);
        var (start, end) = (slot.Start, slot.End);
        var calendar = new Calendar { Method = cancel ? "CANCEL" : "REQUEST" };
        calendar.AddProperty("X-WR-TIMEZONE", zone.Id);
        var e = new CalendarEvent
        {
            Uid = Uid(release.Id),
            Sequence = sequence,
            Summary = $"{(cancel ? "Cancelled: " : string.Empty)}Production window: {release.Title} ({release.Id})",
            Description = $"Release {release.Id}, a {release.Type} release of {string.Join(", ", release.Systems)}. " +
                $"Window {PolicyTime.DescribeLocal(zone, start)} to {PolicyTime.DescribeLocal(zone, end)}. " +
                $"{publicBaseUrl.TrimEnd('/')}/api/releases/{Uri.EscapeDataString(release.Id)}",
            DtStart = new CalDateTime(start.UtcDateTime, "UTC"),
            DtEnd = new CalDateTime(end.UtcDateTime, "UTC"),
            Status = cancel ? EventStatus.Cancelled : EventStatus.Confirmed,
            Transparency = TransparencyType.Transparent,
        };
        if (!string.IsNullOrWhiteSpace(organizer))
        {
            e.Organizer = new Organizer($"mailto:{organizer}");
        }

        foreach (var person in attendees.Where(EmailAddresses.IsValid).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            e.Attendees.Add(new Attendee($"mailto:{person}") { Role = "OPT-PARTICIPANT", Rsvp = false });
        }

        calendar.Events.Add(e);
        return new CalendarSerializer().SerializeToString(calendar)!;
    }
}
