using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;
using ReleaseManagement.Api.Approvals;
using ReleaseManagement.Policy;

namespace ReleaseManagement.Api;

/// <summary>
/// The check every steering route shares (cancel, reschedule, milestones, rollback, retry, skip, resume; the dashboard's
/// forms end in the same handlers): the person's word (<see cref="SignedInPerson"/>), then the policy's permission table
/// (<see cref="ReleasePermissions"/>, with the roles the signed-in person's claims grant, <see cref="Auth.ClaimedRoles"/>),
/// answered as a 403 that says why. Nothing is raised or audited when it refuses.
/// </summary>
internal static partial class PermissionCheck
{
    /// <summary>
    /// Null when <paramref name="by"/> may ask for <paramref name="action"/> on the checked request's release, under the
    /// policy it runs under (and, with sign-in required, is the signed-in user); else the 403 that says why.
    /// </summary>
    public static ProblemHttpResult? Refusal<T>(
        ControlRequest<T> release, string action, ApprovalOptions options, string by, AppServicePrincipal? principal, ILogger log)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(release);
        if (SignedInPerson.Refusal(options, principal, by, $"A {(action == ReleaseActions.KnownIssue ? "known issue" : action)} needs a signed-in user (App Service authentication).") is { } unsigned)
        {
            return unsigned;
        }

        var verdict = ReleasePermissions.Check(release.Policy, action, release.Record, by, Auth.ClaimedRoles.Of(release.Policy, principal, by));
        if (verdict.Allowed)
        {
            return null;
        }

        LogRefusedControl(log, release.Record.Request.Id, action, by, verdict.Rule);
        return Problems.Forbidden($"Not allowed to {ReleaseActions.Verb(action)} this release.", verdict.Reason);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Release {ReleaseId}: {Action} refused to {By} ({Rule})")]
    private static partial void LogRefusedControl(ILogger logger, string releaseId, string action, string by, string rule);
}
