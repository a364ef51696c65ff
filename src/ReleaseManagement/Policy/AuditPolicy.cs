namespace ReleaseManagement.Policy;

/// <summary>Who may read a release's audit trail (<c>GET /api/releases/{id}/audit</c>).</summary>
public sealed record AuditPolicy
{
    /// <summary>
    /// The roles whose members may read it, resolved like approvers (policy-wide, the release's systems, the release):
    /// enforced where sign-in is required. Default: release-manager and auditor.
    /// </summary>
    public IReadOnlyList<string> ReaderRoles { get; init; } = [PolicyRoles.ReleaseManager, PolicyRoles.Auditor];
}
