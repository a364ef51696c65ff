using ReleaseManagement.Releases;

namespace ReleaseManagement.Policy;

/// <summary>
/// Who may steer a running release past its procedure (roll it back on demand, retry or skip the effect it waits on while a
/// dependency is down): a release manager of that release, <see cref="PolicyRoles.ReleaseManager"/> among its people by
/// role (<see cref="ApproverDirectory.Resolve"/>: the policy's, its systems', or the ones the release names for that
/// role). In one place for the rollback and outage routes and the dashboard's forms (which ask it before any action but an
/// attestation or a waiver).
/// </summary>
public static class ReleaseManagerEntitlement
{
    /// <summary>The role that entitles someone to roll back, retry or skip.</summary>
    public const string Role = PolicyRoles.ReleaseManager;

    /// <summary>
    /// Whether <paramref name="by"/> (compared case-insensitively) is a release manager of <paramref name="release"/>: in the
    /// directory, or by a role their sign-in claims grant (<paramref name="claimedRoles"/>, <see cref="ApproverDirectory.WithClaimedRoles"/>).
    /// </summary>
    public static bool Allows(ReleasePolicy policy, ReleaseRequest release, string by, IEnumerable<string>? claimedRoles = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(release);
        var people = ApproverDirectory.WithClaimedRoles(ApproverDirectory.Resolve(policy, release.Systems, release.Approvers), by, claimedRoles);
        var managers = people.GetValueOrDefault(Role, []);
        return managers.Contains(by, StringComparer.OrdinalIgnoreCase);
    }
}
