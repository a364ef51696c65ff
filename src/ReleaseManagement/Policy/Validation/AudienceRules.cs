namespace ReleaseManagement.Policy.Validation;

/// <summary><c>audiences</c> and <c>outcomeAudiences</c>: audience entries are well formed and every audience a communication or the outcome names reaches someone.</summary>
internal sealed class AudienceRules(PolicyErrors errors)
{
    public void Check(ReleasePolicy policy) => Audiences(policy, PolicyPath.Root.Property("audiences"));

    /// <summary>
    /// Audience entries are well formed, and every audience a communication names can reach someone: it has an address,
    /// a webhook channel, or a role someone holds in the policy (policy-wide or a system) or that release requests must
    /// name people for (a role an approval rule requires).
    /// </summary>
    private void Audiences(ReleasePolicy policy, string path)
    {
        AudienceMap(policy.Audiences, path);
        var fillable = policy.Approvers.Where(kv => kv.Value.Count > 0).Select(kv => kv.Key)
            .Concat(policy.Systems.Values.SelectMany(s => s.Approvers.Where(kv => kv.Value.Count > 0).Select(kv => kv.Key)))
            .Concat(policy.Approvals.Values.SelectMany(r => r.RequiredRoles))
            .Concat(policy.ReleaseTypes.Values.SelectMany(t => t.ApprovalRoles))
            .Concat(policy.RiskMatrix.Mitigations.Values.SelectMany(m => m.ExtraApprovalRoles))
            .ToHashSet(StringComparer.Ordinal);
        var systems = policy.Systems.Keys.ToArray();
        var uses = policy.Communications.SelectMany((c, i) => c.Audiences.Select((a, j) =>
                (Name: a, Id: c.Id, Path: PolicyPath.Root.Property("communications").Index(i).Property("audiences").Index(j))))
            .Concat(policy.OutcomeAudiences.Select((a, j) => (Name: a, Id: "outcome", Path: PolicyPath.Root.Property("outcomeAudiences").Index(j))))
            .Concat(policy.Meetings.SelectMany((m, i) => m.Audiences.Select((a, j) =>
                (Name: a, Id: m.Id, Path: PolicyPath.Root.Property("meetings").Index(i).Property("audiences").Index(j)))));
        foreach (var (name, id, at) in uses)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                continue;
            }

            var entries = AudienceResolver.Entries(policy, systems, null, name);
            if (!entries.Any(e => e.Kind is ContactKind.Address or ContactKind.Webhook || (e.Kind == ContactKind.Role && fillable.Contains(e.Value))))
            {
                var defined = AudienceResolver.IsAudience(policy, null, name);
                errors.Add(at,
                    $"Audience '{name}' of communication '{id}' can never resolve to anyone: " + (defined
                        ? "it names no address, no webhook, and no role that anyone holds or that releases must name people for."
                        : "no audience of that name is defined in audiences (or a system's audiences), and no role of that name is held or required."));
            }
        }
    }

    public void AudienceMap(IReadOnlyDictionary<string, IReadOnlyList<string>> map, string path)
    {
        foreach (var (name, entries) in map)
        {
            var at = path.Property(name);
            if (string.IsNullOrWhiteSpace(name) || name.Contains(':', StringComparison.Ordinal) || name.Contains('@', StringComparison.Ordinal))
            {
                errors.Add(at, $"'{name}' is not an audience name (a name, without ':' or '@').");
            }

            for (var i = 0; i < entries.Count; i++)
            {
                var entry = ContactEntry.Parse(entries[i] ?? string.Empty);
                var problem = entry.Kind switch
                {
                    ContactKind.Name => $"'{entries[i]}' is neither an email address nor role:NAME nor webhook:NAME.",
                    ContactKind.Webhook when !ChannelNames.IsValid(entry.Value) => $"'{entries[i]}': a webhook name is lower-case letters, digits and dashes.",
                    ContactKind.Role when entry.Value.Length == 0 => $"'{entries[i]}' names no role.",
                    _ => null,
                };
                if (problem is not null)
                {
                    errors.Add(at.Index(i), problem);
                }
            }
        }
    }
}
