using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Policy;

namespace ReleaseManagement.Api.Auth;

/// <summary>
/// The roles a signed-in person's claims grant (issue 24, point 1): the principal's app-role and group claim values
/// (<see cref="AppServicePrincipal.RoleClaims"/>) mapped by the policy's <c>access.roleClaims</c>
/// (<see cref="AccessPolicy.RolesFromClaims"/>). Only for the person signed in: a name in a body grants nothing by itself.
/// Passed to <see cref="ApproverDirectory.WithClaimedRoles"/>.
/// </summary>
public static class ClaimedRoles
{
    /// <summary>The roles <paramref name="principal"/>'s claims grant when it is <paramref name="person"/>; else none.</summary>
    public static IReadOnlyList<string> Of(ReleasePolicy policy, AppServicePrincipal? principal, string? person)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return principal is not null && person is { Length: > 0 } && principal.Is(person)
            ? policy.Access.RolesFromClaims(principal.RoleClaims)
            : [];
    }
}
