using ReleaseManagement.Approvals;

namespace ReleaseManagement.Policy;

/// <summary>
/// The rules of delegation while away (issue 24, point 5), in one place for the API (which refuses a delegation or a
/// decision with 400/403) and the quorum (<see cref="ApprovalQuorum"/>, which counts a delegate's decision for the owner):
/// <list type="bullet">
/// <item>a person delegates only roles they hold in the policy's directory (policy-wide or any system's approvers), all of
/// them or named ones, to someone else the policy makes eligible (<see cref="DelegationPolicy.Eligible"/>), for a period of
/// at most <see cref="DelegationPolicy.MaxDays"/>;</item>
/// <item>delegation does not chain: what a person may pass on are the roles the directory gives them, never roles they
/// received by delegation, and a delegate decides for the owner in the owner's own roles only;</item>
/// <item>a delegate never decides on a release they requested, nor for an owner who requested it (four eyes);</item>
/// <item>a delegation counts only while it runs (<see cref="Delegation.IsActive"/>): not before it starts, nor after it
/// ended or was cancelled.</item>
/// </list>
/// </summary>
public static class Delegations
{
    /// <summary>How far in the past a period may start (clock skew between a browser and the server).</summary>
    public static readonly TimeSpan StartTolerance = TimeSpan.FromMinutes(5);

    /// <summary>The directory delegation is judged against: role to people, policy-wide and of every system (no release's own).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Directory(ReleasePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return ApproverDirectory.Resolve(policy, policy.Systems.Keys);
    }

    /// <summary>The roles <paramref name="person"/> holds in <paramref name="directory"/>, in role order.</summary>
    public static IReadOnlyList<string> RolesHeld(IReadOnlyDictionary<string, IReadOnlyList<string>> directory, string person) =>
        ApproverDirectory.RolesOf(directory, directory.Keys.Order(StringComparer.Ordinal), person);

    /// <summary>
    /// What is wrong with <paramref name="owner"/> delegating <paramref name="roles"/> (empty: all they hold) to
    /// <paramref name="delegate"/> from <paramref name="from"/> until <paramref name="until"/>, judged at <paramref name="now"/>,
    /// by body field (<c>to</c>, <c>roles</c>, <c>from</c>, <c>until</c>); empty when it may be stored.
    /// </summary>
    public static IReadOnlyDictionary<string, string[]> Check(
        ReleasePolicy policy, string owner, string @delegate, IReadOnlyList<string> roles, DateTimeOffset from, DateTimeOffset until, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(roles);
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }

            list.Add(message);
        }

        var directory = Directory(policy);
        var held = RolesHeld(directory, owner);
        var delegated = roles.Count == 0 ? held : roles;
        if (held.Count == 0)
        {
            Add("roles", $"{owner.Trim()} holds no approver role in the policy's directory: there is nothing to delegate (roles received by delegation are not passed on).");
        }

        foreach (var role in roles.Where(r => !held.Contains(r, StringComparer.Ordinal)))
        {
            Add("roles", $"{owner.Trim()} does not hold the role '{role}' in the policy's directory, so cannot delegate it (roles received by delegation are not passed on).");
        }

        if (string.Equals(owner.Trim(), @delegate.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            Add("to", "A person cannot delegate to themselves.");
        }
        else if (policy.Delegation.Eligible == DelegateEligibility.Directory)
        {
            if (RolesHeld(directory, @delegate).Count == 0)
            {
                Add("to", $"{@delegate.Trim()} is not in the policy's directory: a delegate must be someone it names (delegation.eligible: directory).");
            }
        }
        else if (held.Count > 0)
        {
            var delegateHolds = RolesHeld(directory, @delegate);
            var lacking = delegated.Where(r => held.Contains(r, StringComparer.Ordinal) && !delegateHolds.Contains(r, StringComparer.Ordinal)).ToArray();
            if (lacking.Length > 0)
            {
                Add("to", delegateHolds.Count == 0
                    ? $"{@delegate.Trim()} is not in the policy's directory: a delegate must already hold the roles delegated (delegation.eligible: roleHolders)."
                    : $"{@delegate.Trim()} does not hold {string.Join(", ", lacking)}: a delegate must already hold the roles delegated (delegation.eligible: roleHolders).");
            }
        }

        if (until <= from)
        {
            Add("until", $"The period ends ({until:u}) before it starts ({from:u}).");
        }
        else if (until - from > TimeSpan.FromDays(policy.Delegation.MaxDays))
        {
            Add("until", $"The period is {(until - from).TotalDays:0.#} days; a delegation lasts at most {policy.Delegation.MaxDays} days (delegation.maxDays).");
        }

        if (from < now - StartTolerance)
        {
            Add("from", $"The period starts in the past ({from:u}): leave 'from' out to start now.");
        }

        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
    }

    /// <summary>
    /// The delegation under which <paramref name="delegate"/> may decide for <paramref name="owner"/> at <paramref name="at"/>
    /// in <paramref name="role"/> (any role when null), among <paramref name="delegations"/>; null when none runs. Only a
    /// delegation the owner made counts: a delegate's own delegations do not pass on what they received (no chain).
    /// </summary>
    public static Delegation? Find(IEnumerable<Delegation> delegations, string owner, string @delegate, string? role, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(delegations);
        return delegations
            .Where(d => d.IsOwnedBy(owner) && d.IsDelegatedTo(@delegate) && d.IsActive(at) && (role is null || d.Covers(role)))
            .OrderBy(d => d.CreatedAt)
            .FirstOrDefault();
    }

    /// <summary>
    /// The delegate who receives <paramref name="owner"/>'s asks for <paramref name="role"/> at <paramref name="at"/>, with
    /// the delegation, or null: the earliest-made running delegation of the owner covering the role whose delegate is not
    /// barred by four eyes (<paramref name="fourEyes"/>: neither requested the release).
    /// </summary>
    public static Delegation? ForAsk(IEnumerable<Delegation> delegations, string owner, string role, DateTimeOffset at, FourEyes fourEyes)
    {
        ArgumentNullException.ThrowIfNull(delegations);
        ArgumentNullException.ThrowIfNull(fourEyes);
        return fourEyes.Bars(owner)
            ? null
            : delegations
                .Where(d => d.IsOwnedBy(owner) && d.IsActive(at) && d.Covers(role) && !fourEyes.Bars(d.Delegate))
                .OrderBy(d => d.CreatedAt)
                .FirstOrDefault();
    }

    /// <summary>
    /// Why <paramref name="delegate"/> may not decide for <paramref name="owner"/> on the release <paramref name="fourEyes"/>
    /// describes (the delegate or the owner requested it), or null.
    /// </summary>
    public static string? FourEyesRefusal(FourEyes fourEyes, string @delegate, string owner)
    {
        ArgumentNullException.ThrowIfNull(fourEyes);
        if (fourEyes.Bars(@delegate))
        {
            return $"{@delegate.Trim()} requested this release and may not decide on it, not even for {owner.Trim()} (four eyes).";
        }

        return fourEyes.Bars(owner)
            ? $"{owner.Trim()} requested this release: nobody decides on it in their name (four eyes)."
            : null;
    }

    /// <summary>The roles a delegated decision may count for: <paramref name="delegatedRoles"/> (null or empty: all) among <paramref name="eligible"/> that <paramref name="owner"/> holds.</summary>
    public static IReadOnlyList<string> OwnerRoles(
        IReadOnlyDictionary<string, IReadOnlyList<string>> approvers, IEnumerable<string> eligible, string owner, IReadOnlyList<string>? delegatedRoles) =>
        ApproverDirectory.RolesOf(
            approvers,
            eligible.Where(r => delegatedRoles is not { Count: > 0 } || delegatedRoles.Contains(r, StringComparer.Ordinal)),
            owner);
}
