using ReleaseManagement.Releases;

namespace ReleaseManagement.Policy;

/// <summary>What one entry of an audience, a communication's audience list or a contact list names.</summary>
public enum ContactKind
{
    /// <summary>An email address, taken as it is.</summary>
    Address,

    /// <summary><c>role:NAME</c>: the people holding the role for the release (policy, its systems, the release).</summary>
    Role,

    /// <summary><c>webhook:NAME</c>: a chat or JSON webhook channel, configured as app settings.</summary>
    Webhook,

    /// <summary>A bare name: an audience the policy defines, else (as the policy's contact lists always read it) a role.</summary>
    Name,
}

/// <summary>One parsed contact entry.</summary>
public sealed record ContactEntry(ContactKind Kind, string Value)
{
    public const string RolePrefix = "role:";
    public const string WebhookPrefix = "webhook:";

    /// <summary>The one rule for reading an entry: <c>role:</c> and <c>webhook:</c> prefixes, a valid email address, else a bare name.</summary>
    public static ContactEntry Parse(string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var e = entry.Trim();
        if (e.StartsWith(RolePrefix, StringComparison.OrdinalIgnoreCase))
        {
            return new(ContactKind.Role, e[RolePrefix.Length..].Trim());
        }

        if (e.StartsWith(WebhookPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return new(ContactKind.Webhook, e[WebhookPrefix.Length..].Trim());
        }

        return EmailAddresses.IsValid(e) ? new(ContactKind.Address, e) : new(ContactKind.Name, e);
    }
}

/// <summary>Who one audience (or a list of them) reaches: people by email, chat channels, and the audiences that reached nobody.</summary>
/// <param name="Recipients">Email addresses, each once (case-insensitively), in order of first mention.</param>
/// <param name="Webhooks">Webhook channel names, each once.</param>
/// <param name="Empty">Audiences (or entries) named that reached nobody and no channel.</param>
public sealed record AudienceResolution(IReadOnlyList<string> Recipients, IReadOnlyList<string> Webhooks, IReadOnlyList<string> Empty)
{
    public bool ReachesAnyone => Recipients.Count > 0 || Webhooks.Count > 0;
}

/// <summary>
/// The one resolver of audiences and contacts to people, used by every notice, the metrics reports' recipients and the
/// escalation contacts. An audience is a policy-defined list (<see cref="ReleasePolicy.Audiences"/>, plus the additions of
/// each of the release's systems, plus the release request's own additions) of addresses, <c>role:NAME</c> and
/// <c>webhook:NAME</c> entries. A bare name is an audience the policy defines, else a role (the policy's contact lists,
/// e.g. escalation contacts, name roles that way). An address is what <see cref="EmailAddresses"/> accepts, not merely
/// "contains '@'".
/// </summary>
public static class AudienceResolver
{
    /// <summary>Resolves <paramref name="names"/> for a release of <paramref name="systems"/>.</summary>
    /// <param name="approvers">Role to people for the release (<see cref="ApproverDirectory.Resolve"/>).</param>
    /// <param name="releaseAudiences">The release request's additions per audience, if any.</param>
    public static AudienceResolution Resolve(
        ReleasePolicy? policy,
        IEnumerable<string> systems,
        IReadOnlyDictionary<string, IReadOnlyList<string>> approvers,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? releaseAudiences,
        IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(approvers);
        ArgumentNullException.ThrowIfNull(names);
        var systemList = systems?.ToArray() ?? [];
        var recipients = new List<string>();
        var webhooks = new List<string>();
        var empty = new List<string>();
        foreach (var name in names)
        {
            var before = (recipients.Count, webhooks.Count);
            foreach (var entry in Entries(policy, systemList, releaseAudiences, name))
            {
                Add(entry, approvers, recipients, webhooks);
            }

            if ((recipients.Count, webhooks.Count) == before && !Reached(policy, systemList, releaseAudiences, approvers, name))
            {
                empty.Add(name);
            }
        }

        return new AudienceResolution(recipients, webhooks, empty);
    }

    /// <summary>Contacts without a policy's audiences (bare names are roles): addresses and the people of roles.</summary>
    public static IReadOnlyList<string> People(IReadOnlyDictionary<string, IReadOnlyList<string>> approvers, IEnumerable<string> contacts) =>
        Resolve(null, [], approvers, null, contacts).Recipients;

    /// <summary>The entries an audience (or a single contact entry) stands for.</summary>
    public static IReadOnlyList<ContactEntry> Entries(
        ReleasePolicy? policy,
        IReadOnlyList<string> systems,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? releaseAudiences,
        string name)
    {
        var parsed = ContactEntry.Parse(name);
        if (parsed.Kind != ContactKind.Name || !IsAudience(policy, releaseAudiences, parsed.Value))
        {
            return [parsed.Kind == ContactKind.Name ? parsed with { Kind = ContactKind.Role } : parsed];
        }

        var entries = new List<string>();
        if (policy is not null && Find(policy.Audiences, parsed.Value) is { } own)
        {
            entries.AddRange(own);
        }

        foreach (var system in systems)
        {
            if (policy is not null && ApproverDirectory.FindSystem(policy, system) is { } s && Find(s.Audiences, parsed.Value) is { } more)
            {
                entries.AddRange(more);
            }
        }

        if (releaseAudiences is not null && Find(releaseAudiences, parsed.Value) is { } added)
        {
            entries.AddRange(added);
        }

        // Inside an audience a bare name is a role: audiences do not nest.
        return entries.Select(ContactEntry.Parse).Select(e => e.Kind == ContactKind.Name ? e with { Kind = ContactKind.Role } : e).ToArray();
    }

    /// <summary>Whether <paramref name="name"/> is an audience of the policy (or of one of its systems, or of the release).</summary>
    public static bool IsAudience(ReleasePolicy? policy, IReadOnlyDictionary<string, IReadOnlyList<string>>? releaseAudiences, string name) =>
        (policy is not null && (Find(policy.Audiences, name) is not null || policy.Systems.Values.Any(s => Find(s.Audiences, name) is not null)))
        || (releaseAudiences is not null && Find(releaseAudiences, name) is not null);

    private static IReadOnlyList<string>? Find(IReadOnlyDictionary<string, IReadOnlyList<string>> map, string name)
    {
        if (map.TryGetValue(name, out var exact))
        {
            return exact;
        }

        foreach (var (key, value) in map)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    private static void Add(ContactEntry entry, IReadOnlyDictionary<string, IReadOnlyList<string>> approvers, List<string> recipients, List<string> webhooks)
    {
        switch (entry.Kind)
        {
            case ContactKind.Address:
                AddOnce(recipients, entry.Value);
                break;
            case ContactKind.Webhook:
                AddOnce(webhooks, entry.Value);
                break;
            default:
                if (approvers.TryGetValue(entry.Value, out var people))
                {
                    foreach (var person in people)
                    {
                        AddOnce(recipients, person);
                    }
                }

                break;
        }
    }

    /// <summary>An audience whose people were all reached through an earlier audience still reached someone.</summary>
    private static bool Reached(
        ReleasePolicy? policy,
        IReadOnlyList<string> systems,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? releaseAudiences,
        IReadOnlyDictionary<string, IReadOnlyList<string>> approvers,
        string name)
    {
        var recipients = new List<string>();
        var webhooks = new List<string>();
        foreach (var entry in Entries(policy, systems, releaseAudiences, name))
        {
            Add(entry, approvers, recipients, webhooks);
        }

        return recipients.Count > 0 || webhooks.Count > 0;
    }

    private static void AddOnce(List<string> list, string value)
    {
        var v = value.Trim();
        if (v.Length > 0 && !list.Contains(v, StringComparer.OrdinalIgnoreCase))
        {
            list.Add(v);
        }
    }
}

/// <summary>The names of webhook channels (<c>webhook:NAME</c>): they become app setting names (<c>Channels__NAME__Url</c>).</summary>
public static class ChannelNames
{
    public static bool IsValid(string name) =>
        name.Length is > 0 and <= 40 && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');
}
