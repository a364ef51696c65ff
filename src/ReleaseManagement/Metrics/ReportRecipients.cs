using ReleaseManagement.Policy;

namespace ReleaseManagement.Metrics;

/// <summary>Resolves the policy's <see cref="ReleasePolicy.ReportRecipients"/> to email addresses.</summary>
public static class ReportRecipients
{
    /// <summary>
    /// Entries containing '@' are addresses; anything else is a role, resolved to its people in the policy-wide approvers and
    /// every system's approvers. Addresses are listed once (case-insensitively), in order of first mention.
    /// </summary>
    public static IReadOnlyList<string> Resolve(ReleasePolicy policy)
    {
        var people = ApproverDirectory.Resolve(policy, policy.Systems.Keys);
        var result = new List<string>();
        foreach (var entry in policy.ReportRecipients.Select(e => e.Trim()).Where(e => e.Length > 0))
        {
            var addresses = entry.Contains('@', StringComparison.Ordinal) ? [entry] : people.TryGetValue(entry, out var found) ? found : [];
            foreach (var address in addresses)
            {
                if (!result.Contains(address, StringComparer.OrdinalIgnoreCase))
                {
                    result.Add(address);
                }
            }
        }

        return result;
    }
}
