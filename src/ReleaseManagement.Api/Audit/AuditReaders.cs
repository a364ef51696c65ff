using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Policy;

namespace ReleaseManagement.Api.Audit;

/// <summary>
/// Who reads what spans every release: the audit trail of a period (<c>GET /api/audit</c>) and another person's
/// delegations (<c>GET /api/delegations?person=</c>). The holders of the policy's audit reader roles
/// (<see cref="AuditPolicy.ReaderRoles"/>, by default release manager and auditor), policy-wide in its directory or granted
/// by the signed-in person's claims.
/// </summary>
public static class AuditReaders
{
    /// <summary>
    /// Whether one of <paramref name="principal"/>'s identities holds an audit reader role: policy-wide, or, for one
    /// release's trail, among the people of its <paramref name="systems"/> and <paramref name="approvers"/> too.
    /// </summary>
    public static bool Include(
        ReleasePolicy policy, AppServicePrincipal principal, IEnumerable<string>? systems = null, IReadOnlyDictionary<string, IReadOnlyList<string>>? approvers = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(principal);
        var people = ApproverDirectory.Resolve(policy, systems ?? [], approvers);
        return principal.Identities.Any(id => ApproverDirectory.RolesOf(
            ApproverDirectory.WithClaimedRoles(people, id, Auth.ClaimedRoles.Of(policy, principal, id)), policy.Audit.ReaderRoles, id).Count > 0);
    }
}
