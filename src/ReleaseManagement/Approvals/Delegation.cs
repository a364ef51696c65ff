namespace ReleaseManagement.Approvals;

/// <summary>
/// A person's approver roles handed to another person for a period (issue 24, point 5: an approver away for a week must
/// not block every release). While it runs the delegate may decide approval stages for the owner in the delegated roles
/// (<see cref="ReleaseManagement.Policy.Delegations"/>), and approval emails for the owner go to the delegate with the owner
/// in copy. It ends at <see cref="Until"/>, or earlier when its owner cancels it (<see cref="CancelledAt"/>).
/// </summary>
/// <param name="Id">Chosen by the request (a retry with the same id stores nothing new).</param>
/// <param name="Owner">Who delegates (the signed-in person who created it).</param>
/// <param name="Delegate">Who decides for the owner while it runs.</param>
/// <param name="Roles">The roles delegated; empty means every role the owner holds in the directory.</param>
/// <param name="From">When it starts (inclusive).</param>
/// <param name="Until">When it ends (exclusive).</param>
public sealed record Delegation(
    string Id,
    string Owner,
    string Delegate,
    IReadOnlyList<string> Roles,
    DateTimeOffset From,
    DateTimeOffset Until,
    string? Reason,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CancelledAt = null,
    string? CancelledBy = null)
{
    /// <summary>Whether every role of the owner is delegated (no role named).</summary>
    public bool AllRoles => Roles.Count == 0;

    /// <summary>When it stops counting: <see cref="Until"/>, or the cancellation when earlier.</summary>
    public DateTimeOffset Ends => CancelledAt is { } c && c < Until ? c : Until;

    /// <summary>Whether it runs at <paramref name="at"/>: started, not ended, not cancelled.</summary>
    public bool IsActive(DateTimeOffset at) => From <= at && at < Ends;

    /// <summary>Whether <paramref name="role"/> is delegated.</summary>
    public bool Covers(string role) => AllRoles || Roles.Contains(role.Trim(), StringComparer.Ordinal);

    /// <summary>Whether <paramref name="person"/> owns it (case-insensitive).</summary>
    public bool IsOwnedBy(string? person) => Same(Owner, person);

    /// <summary>Whether <paramref name="person"/> is its delegate (case-insensitive).</summary>
    public bool IsDelegatedTo(string? person) => Same(Delegate, person);

    /// <summary>The same delegation in substance (what a retry with the same id must repeat): owner, delegate, roles, period, reason.</summary>
    public bool SameRequestAs(Delegation other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Id == other.Id && IsOwnedBy(other.Owner) && IsDelegatedTo(other.Delegate) && From == other.From && Until == other.Until
            && Roles.Order(StringComparer.Ordinal).SequenceEqual(other.Roles.Order(StringComparer.Ordinal), StringComparer.Ordinal)
            && string.Equals(Reason ?? "", other.Reason ?? "", StringComparison.Ordinal);
    }

    private static bool Same(string a, string? b) => b is not null && string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);
}

/// <summary>How a decision names who took it.</summary>
public static class DecisionNaming
{
    /// <summary>"X", or "X for Y" when <paramref name="approver"/> decided for <paramref name="onBehalfOf"/>.</summary>
    public static string Of(string approver, string? onBehalfOf) =>
        onBehalfOf is { Length: > 0 } owner && !string.Equals(owner.Trim(), approver?.Trim(), StringComparison.OrdinalIgnoreCase)
            ? $"{approver} for {owner.Trim()}"
            : approver ?? string.Empty;
}
