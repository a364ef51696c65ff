namespace ReleaseManagement.Policy.Validation;

/// <summary>
/// <c>communications</c>: ids are unique; a confirmation warns at a later communication of the timeline, and its item is
/// no waivable gate item and no other confirmation's (the schema checks the rest of each communication). <c>meetings</c>:
/// ids are unique, each before or after T, with a positive duration.
/// </summary>
internal sealed class CommunicationRules(PolicyErrors errors)
{
    public void Check(ReleasePolicy policy)
    {
        Communications(policy.Communications, PolicyPath.Root.Property("communications"));
        Meetings(policy.Meetings, PolicyPath.Root.Property("meetings"));
    }

    // meetings: unique ids, before or after T (not at it), a positive duration, a notice not negative.
    private void Meetings(IReadOnlyList<ReleaseMeeting> meetings, string path)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < meetings.Count; i++)
        {
            var m = meetings[i];
            var at = path.Index(i);
            if (!string.IsNullOrEmpty(m.Id) && !ids.Add(m.Id))
            {
                errors.Add(at.Property("id"), $"'{m.Id}' appears twice.");
            }

            if (m.Offset == TimeSpan.Zero)
            {
                errors.Add(at.Property("offset"), "must not be zero: a meeting is held before T (negative) or after the release (positive).");
            }

            if (m.Duration <= TimeSpan.Zero)
            {
                errors.Add(at.Property("duration"), "must be positive.");
            }

            if (m.Days.Count == 0)
            {
                errors.Add(at.Property("days"), "must name at least one day.");
            }

            if (m.MinimumNotice < TimeSpan.Zero)
            {
                errors.Add(at.Property("minimumNotice"), "must not be negative.");
            }
        }
    }

    private void Communications(IReadOnlyList<CommunicationEvent> events, string path)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var at = path.Index(i);
            if (!string.IsNullOrEmpty(e.Id) && !ids.Add(e.Id))
            {
                errors.Add(at.Property("id"), $"'{e.Id}' appears twice.");
            }

            if (e.Confirm is { } confirm)
            {
                var warnAt = events.FirstOrDefault(o => string.Equals(o.Id, confirm.WarnAt, StringComparison.Ordinal));
                if (warnAt is null || warnAt.Offset <= e.Offset)
                {
                    errors.Add(at.Property("confirm").Property("warnAt"),
                        $"'{confirm.WarnAt}' must be the id of a later communication of the timeline (one with a larger offset than {e.Id}).");
                }

                if (confirm.RecheckEvery <= TimeSpan.Zero)
                {
                    errors.Add(at.Property("confirm").Property("recheckEvery"), "must be positive.");
                }

                if (events.Take(i).Any(o => string.Equals(o.Confirm?.Item, confirm.Item, StringComparison.OrdinalIgnoreCase)))
                {
                    errors.Add(at.Property("confirm").Property("item"), $"'{confirm.Item}' is confirmed by another communication too.");
                }
            }
        }
    }
}
