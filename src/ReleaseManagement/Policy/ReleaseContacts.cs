using ReleaseManagement.Approvals;

namespace ReleaseManagement.Policy;

/// <summary>Resolving the policy's roles and contacts to people, for approval rounds, notices and escalations.</summary>
public static class ReleaseContacts
{
    /// <summary>
    /// Contacts (escalation contacts, reviewer and sign-off roles) resolved by <see cref="AudienceResolver"/>'s one rule:
    /// an email address is taken as it is, <c>role:NAME</c> and a bare name are roles resolved through
    /// <paramref name="approvers"/>. Each person once, compared case-insensitively; a role nobody holds adds nobody.
    /// </summary>
    public static IReadOnlyList<string> Resolve(IReadOnlyDictionary<string, IReadOnlyList<string>> approvers, IEnumerable<string> contacts)
    {
        ArgumentNullException.ThrowIfNull(approvers);
        ArgumentNullException.ThrowIfNull(contacts);
        return AudienceResolver.People(approvers, contacts);
    }

    /// <summary>
    /// The people asked to decide for <paramref name="roles"/>, each with the role they are asked for; the requester is
    /// left out unless the rule lets the requester approve.
    /// </summary>
    public static IReadOnlyList<ApproverRef> Approvers(
        IReadOnlyDictionary<string, IReadOnlyList<string>> approvers, IEnumerable<string> roles, ApprovalRule rule, string? requestedBy)
    {
        ArgumentNullException.ThrowIfNull(approvers);
        ArgumentNullException.ThrowIfNull(rule);
        return roles.SelectMany(role => (approvers.TryGetValue(role, out var people) ? people : []).Select(p => new ApproverRef(p, role)))
            .Where(r => rule.RequesterMayApprove || !string.Equals(r.Email, requestedBy, StringComparison.OrdinalIgnoreCase))
            .ToArray();
    }
}
