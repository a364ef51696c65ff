namespace ReleaseManagement.Policy.Validation;

/// <summary>
/// <c>communications</c>: ids are unique; a confirmation warns at a later communication of the timeline, and its item is
/// no waivable gate item and no other confirmation's (the schema checks the rest of each communication).
/// </summary>
internal sealed class CommunicationRules(PolicyErrors errors)
{
    public void Check(ReleasePolicy policy) => Communications(policy.Communications, PolicyPath.Root.Property("communications"));

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
