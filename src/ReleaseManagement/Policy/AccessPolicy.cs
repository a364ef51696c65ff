namespace ReleaseManagement.Policy;

/// <summary>Who is who: what a release request may say about approvers, and roles granted by sign-in claims (docs/security.md).</summary>
public sealed record AccessPolicy
{
    /// <summary>
    /// When false (the default), a release request may only narrow the directory: the people it names for a role must
    /// hold that role in the policy's directory (policy-wide or one of the release's systems). True restores naming anyone
    /// (demos, tests).
    /// </summary>
    public bool RequestMayNameApprovers { get; init; }

    /// <summary>
    /// When false (the default), machine evidence (test results, coverage, scans, benchmarks, configuration reports) is
    /// reported by pipelines only, through the signed webhooks: a person may attest or waive an item, and report one by hand
    /// (<c>POST .../evidence</c>, kind evidence or configuration) only where it names <see cref="GateItem.ReporterRoles"/>
    /// and they hold one. True lets anyone who may use the evidence route report any evidence item (demos, tests), as
    /// <see cref="RequestMayNameApprovers"/> does for approvers.
    /// </summary>
    public bool PeopleMayReportMachineEvidence { get; init; }

    /// <summary>
    /// Optional: role to the Entra ID app-role values or group object ids whose holders hold the role too, besides the
    /// people the directory names (claims <c>roles</c> and <c>groups</c> of the App Service principal). Empty by default.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> RoleClaims { get; init; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);

    /// <summary>
    /// Optional: who may ask for each steering action (<see cref="ReleaseActions"/>); an action the policy leaves out keeps
    /// the procedure's default (<see cref="ReleasePermissions.Defaults"/>). Read through <see cref="ReleasePermissions"/> only.
    /// </summary>
    public IReadOnlyDictionary<string, ActionPermission> Permissions { get; init; } = new Dictionary<string, ActionPermission>(StringComparer.Ordinal);

    /// <summary>The roles <paramref name="claims"/> (a principal's role and group claim values) grant through <see cref="RoleClaims"/>.</summary>
    public IReadOnlyList<string> RolesFromClaims(IEnumerable<string> claims)
    {
        var held = claims.Select(c => c.Trim()).Where(c => c.Length > 0).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return RoleClaims.Where(r => r.Value.Any(v => held.Contains(v.Trim()))).Select(r => r.Key).Order(StringComparer.Ordinal).ToArray();
    }
}
