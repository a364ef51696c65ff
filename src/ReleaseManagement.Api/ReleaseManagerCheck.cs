using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Policy;

namespace ReleaseManagement.Api;

/// <summary>
/// The check the rollback and the outage decisions (retry, skip) share: the person's word (<see cref="SignedInPerson"/>) and
/// the core's rule of who may ask (<see cref="ReleaseManagerEntitlement"/>, with the roles the signed-in person's claims
/// grant, <see cref="Auth.ClaimedRoles"/>), answered as a 403 that says why.
/// </summary>
internal static partial class ReleaseManagerCheck
{
    /// <summary>
    /// Null when <paramref name="by"/> is a release manager of the checked request's release, under the policy it runs
    /// under (and, with sign-in required, the signed-in user); else the 403 that says why.
    /// </summary>
    public static ProblemHttpResult? Refusal<T>(
        ControlRequest<T> release, ApprovalOptions options, string by, AppServicePrincipal? principal, string what, ILogger log)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(release);
        if (SignedInPerson.Refusal(options, principal, by, $"A {what} needs a signed-in user (App Service authentication).") is { } unsigned)
        {
            return unsigned;
        }

        var request = release.Record.Request;
        if (ReleaseManagerEntitlement.Allows(release.Policy, request, by, Auth.ClaimedRoles.Of(release.Policy, principal, by)))
        {
            return null;
        }

        LogRefusedControl(log, request.Id, what, by);
        return Problems.Forbidden(
            "Not a release manager of this release.",
            $"{by} does not hold the {ReleaseManagerEntitlement.Role} role for release '{request.Id}'; only a release manager may {what} it.");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Release {ReleaseId}: {What} refused, {By} is not one of its release managers")]
    private static partial void LogRefusedControl(ILogger logger, string releaseId, string what, string by);
}
