using ReleaseManagement.Policy;

namespace ReleaseManagement.Metrics;

/// <summary>Resolves the policy's <see cref="ReleasePolicy.ReportRecipients"/> to email addresses.</summary>
public static class ReportRecipients
{
    /// <summary>
    /// Resolved by <see cref="AudienceResolver"/>: an email address, <c>role:NAME</c>, an audience of the policy, or a bare
    /// role name, resolved to its people in the policy-wide approvers and every system's approvers. Addresses are listed once
    /// (case-insensitively), in order of first mention.
    /// </summary>
    public static IReadOnlyList<string> Resolve(ReleasePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var systems = policy.Systems.Keys.ToArray();
        var people = ApproverDirectory.Resolve(policy, systems);
        return AudienceResolver.Resolve(policy, systems, people, null, policy.ReportRecipients.Where(e => !string.IsNullOrWhiteSpace(e))).Recipients;
    }
}
