namespace ReleaseManagement.Policy;

/// <summary>Who may approve for a release: role to people, from the policy, the release's systems and the release itself.</summary>
public static class ApproverDirectory
{
    /// <summary>
    /// Resolves role to people for a release touching <paramref name="systems"/>: the policy-wide approvers plus those of
    /// each named system; a role the release names its own people for (<paramref name="releaseApprovers"/>) uses only those.
    /// People are compared case-insensitively and listed once.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Resolve(
        ReleasePolicy policy,
        IEnumerable<string> systems,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? releaseApprovers = null)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);

        void AddAll(IReadOnlyDictionary<string, IReadOnlyList<string>> source)
        {
            foreach (var (role, people) in source)
            {
                if (!result.TryGetValue(role, out var list))
                {
                    list = [];
                    result[role] = list;
                }

                foreach (var person in people)
                {
                    var p = person.Trim();
                    if (p.Length > 0 && !list.Contains(p, StringComparer.OrdinalIgnoreCase))
                    {
                        list.Add(p);
                    }
                }
            }
        }

        AddAll(policy.Approvers);
        foreach (var system in systems)
        {
            if (FindSystem(policy, system) is { } systemPolicy)
            {
                AddAll(systemPolicy.Approvers);
            }
        }

        if (releaseApprovers is not null)
        {
            foreach (var role in releaseApprovers.Keys)
            {
                result.Remove(role);
            }

            AddAll(releaseApprovers);
        }

        return result.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value.ToArray(), StringComparer.Ordinal);
    }

    /// <summary>
    /// <paramref name="approvers"/> with <paramref name="person"/> added to <paramref name="claimedRoles"/>: the roles the
    /// person's sign-in claims grant through the policy's <c>access.roleClaims</c> (<see cref="AccessPolicy.RolesFromClaims"/>),
    /// on top of the directory. The one place a signed-in person's roles are resolved; the caller passes claims only of
    /// the person signed in (the API's <c>ClaimedRoles</c>).
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> WithClaimedRoles(
        IReadOnlyDictionary<string, IReadOnlyList<string>> approvers, string person, IEnumerable<string>? claimedRoles)
    {
        ArgumentNullException.ThrowIfNull(approvers);
        var roles = (claimedRoles ?? []).Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => r.Trim()).ToArray();
        if (roles.Length == 0 || string.IsNullOrWhiteSpace(person))
        {
            return approvers;
        }

        var result = approvers.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        foreach (var role in roles)
        {
            var people = result.GetValueOrDefault(role, []);
            if (!people.Contains(person.Trim(), StringComparer.OrdinalIgnoreCase))
            {
                result[role] = [.. people, person.Trim()];
            }
        }

        return result;
    }

    /// <summary>The roles among <paramref name="roles"/> that <paramref name="person"/> holds.</summary>
    public static IReadOnlyList<string> RolesOf(
        IReadOnlyDictionary<string, IReadOnlyList<string>> approvers, IEnumerable<string> roles, string person) =>
        roles.Where(role => approvers.TryGetValue(role, out var people) && people.Contains(person.Trim(), StringComparer.OrdinalIgnoreCase))
            .Distinct(StringComparer.Ordinal)
            .ToArray();

    /// <summary>The policy's entry for <paramref name="name"/>, matched case-insensitively.</summary>
    public static SystemPolicy? FindSystem(ReleasePolicy policy, string name)
    {
        if (policy.Systems.TryGetValue(name, out var exact))
        {
            return exact;
        }

        foreach (var (key, value) in policy.Systems)
        {
            if (string.Equals(key, name.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }
}
