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
/// policy's time zone. The release's stakeholder meetings (<see cref="Meeting"/>) are events of their own, one UID each.
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

    /// <summary>The UID of a release's meeting: one calendar event per release and meeting, replaced as it moves.</summary>
    public static string MeetingUid(string releaseId, string meetingId) => $"meeting-{meetingId}-{releaseId}@releasefunctions";

    /// <summary>
    /// A stakeholder meeting of the release (<see cref="Activities.MeetingInvite"/>) as an iCalendar request (attendees
    /// asked to reply) or, cancelled, METHOD:CANCEL with STATUS:CANCELLED; its SEQUENCE as the invite carries it.
    /// </summary>
    public static string Meeting(
        ReleasePolicy policy, ReleaseRequest release, Activities.MeetingInvite meeting, IEnumerable<string> attendees, string organizer, string publicBaseUrl)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(release);
        ArgumentNullException.ThrowIfNull(meeting);
        var zone = PolicyTime.Zone(policy);
        var calendar = new Calendar { Method = meeting.Cancelled ? "CANCEL" : "REQUEST" };
        calendar.AddProperty("X-WR-TIMEZONE", zone.Id);
        var e = new CalendarEvent
        {
            Uid = MeetingUid(release.Id, meeting.MeetingId),
            Sequence = meeting.Sequence,
            Summary = $"{(meeting.Cancelled ? "Cancelled: " : string.Empty)}{meeting.Description}: {release.Title} ({release.Id})",
            Description = $"{meeting.Description} of release {release.Id}, a {release.Type} release of {string.Join(", ", release.Systems)} " +
                $"targeting {release.TargetDate:yyyy-MM-dd}. {PolicyTime.DescribeLocal(zone, meeting.Start)} to {PolicyTime.DescribeLocal(zone, meeting.End)}." +
                (meeting.Reason is { } reason ? $" {(meeting.Cancelled ? "Cancelled" : "Moved")}: {reason}." : string.Empty) +
                $" {publicBaseUrl.TrimEnd('/')}/api/releases/{Uri.EscapeDataString(release.Id)}",
            DtStart = new CalDateTime(meeting.Start.UtcDateTime, "UTC"),
            DtEnd = new CalDateTime(meeting.End.UtcDateTime, "UTC"),
            Status = meeting.Cancelled ? EventStatus.Cancelled : EventStatus.Confirmed,
            Transparency = TransparencyType.Opaque,
        };
        if (!string.IsNullOrWhiteSpace(organizer))
        {
            e.Organizer = new Organizer($"mailto:{organizer}");
        }

        foreach (var person in attendees.Where(EmailAddresses.IsValid).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            e.Attendees.Add(new Attendee($"mailto:{person}") { Role = "REQ-PARTICIPANT", Rsvp = !meeting.Cancelled });
        }

        calendar.Events.Add(e);
        return new CalendarSerializer().SerializeToString(calendar)!;
    }
}
