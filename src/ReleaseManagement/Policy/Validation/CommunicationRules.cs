namespace ReleaseManagement.Policy.Validation;

/// <summary><c>communications</c>: ids are unique (the schema checks the rest of each communication).</summary>
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
        }
    }
}
