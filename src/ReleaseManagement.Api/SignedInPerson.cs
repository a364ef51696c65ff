using Microsoft.AspNetCore.Http.HttpResults;
using ReleaseManagement.Api.Approvals;

namespace ReleaseManagement.Api;

/// <summary>
/// A person's word given through the API or the dashboard (an attestation, a waiver, a rollback, a retry or a skip): with
/// sign-in required (<see cref="ApprovalOptions.RequireSignedInApprover"/>) the person named in <c>by</c> must be the one
/// signed in (App Service authentication).
/// </summary>
internal static class SignedInPerson
{
    /// <summary>
    /// Null when sign-in is not required or <paramref name="principal"/> is <paramref name="by"/>; else the 403 that says
    /// why (<paramref name="signInRequired"/> is its detail when nobody is signed in).
    /// </summary>
    public static ProblemHttpResult? Refusal(ApprovalOptions options, AppServicePrincipal? principal, string by, string signInRequired)
    {
        if (!options.RequireSignedInApprover)
        {
            return null;
        }

        if (principal is null)
        {
            return Problems.Forbidden("Sign-in required.", signInRequired);
        }

        return principal.Is(by) ? null : Problems.Forbidden("Not the person named.", "The signed-in user is not the person named in 'by'.");
    }
}
