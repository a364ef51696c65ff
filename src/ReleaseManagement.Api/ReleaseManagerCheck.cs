using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api;

/// <summary>
/// The check the rollback and the outage decisions (retry, skip) share: the person's word (<see cref="SignedInPerson"/>) and
/// the core's rule of who may ask (<see cref="ReleaseManagerEntitlement"/>, with the roles the signed-in person's claims
/// grant, <see cref="Auth.ClaimedRoles"/>), answered as a 403 that says why.
/// </summary>
internal static partial class ReleaseManagerCheck
{
    /// <summary>
    /// Null when <paramref name="by"/> is a release manager of the release (and, with sign-in required, the signed-in
    /// user); else the 403 that says why.
    /// </summary>
    public static ProblemHttpResult? Refusal(
        ReleasePolicy policy, ApprovalOptions options, ReleaseRecord record, string by, AppServicePrincipal? principal, string what, ILogger log)
    {
        if (SignedInPerson.Refusal(options, principal, by, $"A {what} needs a signed-in user (App Service authentication).") is { } unsigned)
        {
            return unsigned;
        }

        if (ReleaseManagerEntitlement.Allows(policy, record.Request, by, Auth.ClaimedRoles.Of(policy, principal, by)))
        {
            return null;
        }

        LogRefusedControl(log, record.Request.Id, what, by);
        return Problems.Forbidden(
            "Not a release manager of this release.",
            $"{by} does not hold the {ReleaseManagerEntitlement.Role} role for release '{record.Request.Id}'; only a release manager may {what} it.");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Release {ReleaseId}: {What} refused, {By} is not one of its release managers")]
    private static partial void LogRefusedControl(ILogger logger, string releaseId, string what, string by);
}
