using ReleaseManagement.Releases;

namespace ReleaseManagement.Policy;

/// <summary>The steering actions on a running release that a person asks for by name (the API's routes and the dashboard's forms).</summary>
public static class ReleaseActions
{
    public const string Cancel = "cancel";
    public const string Reschedule = "reschedule";
    public const string Milestone = "milestone";
    public const string Rollback = "rollback";
    public const string Retry = "retry";
    public const string Skip = "skip";
    public const string Resume = "resume";

    /// <summary>Adding a known issue to the release's notes (<c>POST .../evidence</c>, kind <c>known-issue</c>).</summary>
    public const string KnownIssue = "knownIssue";

    public static readonly IReadOnlyList<string> All = [Cancel, Reschedule, Milestone, Rollback, Retry, Skip, Resume, KnownIssue];

    /// <summary>How a refusal says the action: its name, or "add a known issue to" for <see cref="KnownIssue"/>.</summary>
    public static string Verb(string action) => action == KnownIssue ? "add a known issue to" : action;

    /// <summary>
    /// Requesting a release (<c>POST /api/releases</c>): not a steering action (there is no release yet), judged by
    /// <see cref="ReleasePermissions.CheckRequest"/>; the policy may name who may ask under the same table.
    /// </summary>
    public const string Request = "request";
}

/// <summary>Who may ask for one <see cref="ReleaseActions"/> action (<see cref="AccessPolicy.Permissions"/>).</summary>
public sealed record ActionPermission
{
    /// <summary>The roles whose holders for the release (<see cref="ApproverDirectory.Resolve"/>, or by sign-in claims) may ask.</summary>
    public required IReadOnlyList<string> Roles { get; init; }

    /// <summary>Whether the release's requester may ask too while the plan is not approved yet (phase Submitted or Planning).</summary>
    public bool RequesterUntilPlanApproved { get; init; }
}

/// <summary>Whether a person may ask for an action on a release, and the rule that said so (for the audit and the 403).</summary>
public sealed record PermissionVerdict(bool Allowed, string Rule, string Reason);

/// <summary>
/// The one permission table of the steering actions (issue 24, section 3): cancel, reschedule, milestones, rollback, retry,
/// skip and resume, each by the roles the policy names for it (<see cref="AccessPolicy.Permissions"/>, the procedure's
/// defaults otherwise: <see cref="Defaults"/>). Asked by every route and dashboard form that steers a release, under the
/// policy the release runs under. Who may decide an approval, attest, waive or report a gate item is
/// <see cref="ApprovalQuorum"/>, <see cref="GateEntitlement"/> and <see cref="FourEyes"/>; pipelines report milestones
/// through their webhook, whose secret is their identity.
/// </summary>
public static class ReleasePermissions
{
    /// <summary>
    /// The procedure's defaults: the release manager steers a release; the requester may also cancel or move it until its
    /// plan is approved; a milestone is the technical lead's or the release manager's word (or a pipeline's, by webhook).
    /// </summary>
    public static IReadOnlyDictionary<string, ActionPermission> Defaults { get; } = new Dictionary<string, ActionPermission>(StringComparer.Ordinal)
    {
        [ReleaseActions.Cancel] = new() { Roles = [PolicyRoles.ReleaseManager], RequesterUntilPlanApproved = true },
        [ReleaseActions.Reschedule] = new() { Roles = [PolicyRoles.ReleaseManager], RequesterUntilPlanApproved = true },
        [ReleaseActions.Milestone] = new() { Roles = [PolicyRoles.TechnicalLead, PolicyRoles.ReleaseManager] },
        [ReleaseActions.Rollback] = new() { Roles = [PolicyRoles.ReleaseManager] },
        [ReleaseActions.Retry] = new() { Roles = [PolicyRoles.ReleaseManager] },
        [ReleaseActions.Skip] = new() { Roles = [PolicyRoles.ReleaseManager] },
        [ReleaseActions.Resume] = new() { Roles = [PolicyRoles.ReleaseManager] },
        [ReleaseActions.KnownIssue] = new() { Roles = [PolicyRoles.ReleaseManager, PolicyRoles.TechnicalLead] },
    };

    /// <summary>The permission of <paramref name="action"/> under <paramref name="policy"/>: the policy's own, else the default.</summary>
    /// <exception cref="ArgumentException">Not one of <see cref="ReleaseActions.All"/>.</exception>
    public static ActionPermission For(ReleasePolicy policy, string action)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.Access.Permissions.GetValueOrDefault(action)
            ?? Defaults.GetValueOrDefault(action)
            ?? throw new ArgumentException($"'{action}' is not a release action ({string.Join(", ", ReleaseActions.All)}).", nameof(action));
    }

    /// <summary>
    /// Whether <paramref name="by"/> may request <paramref name="release"/>. The procedure's default is anyone (in Azure,
    /// anyone signed in): "a stakeholder submits the change request". A policy naming <c>access.permissions.request</c>
    /// restricts it to holders of those roles in its directory for the release's systems, or by sign-in claims
    /// (<paramref name="claimedRoles"/>); never by the approvers the request itself names, and a request naming no requester
    /// is then refused.
    /// </summary>
    public static PermissionVerdict CheckRequest(ReleasePolicy policy, ReleaseRequest release, string? by, IEnumerable<string>? claimedRoles = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(release);
        var rule = $"access.permissions.{ReleaseActions.Request}";
        if (!policy.Access.Permissions.TryGetValue(ReleaseActions.Request, out var permission))
        {
            return new(true, $"{rule}: anyone (the procedure's default)", "Anyone may request a release under this policy.");
        }

        var roles = string.Join(" or ", permission.Roles);
        if (string.IsNullOrWhiteSpace(by))
        {
            return new(false, rule, $"The request names no requester; only a holder of the {roles} role may request a release.");
        }

        var people = ApproverDirectory.WithClaimedRoles(ApproverDirectory.Resolve(policy, release.Systems, null), by, claimedRoles);
        var held = permission.Roles.FirstOrDefault(role => people.GetValueOrDefault(role, []).Contains(by.Trim(), StringComparer.OrdinalIgnoreCase));
        return held is not null
            ? new(true, $"{rule}: {held}", $"{by} holds the {held} role for {string.Join(", ", release.Systems)}.")
            : new(false, rule, $"{by} does not hold the {roles} role for {string.Join(", ", release.Systems)}; only a holder may request a release.");
    }

    /// <summary>
    /// Whether <paramref name="by"/> (compared case-insensitively) may ask for <paramref name="action"/> on
    /// <paramref name="release"/>: holding one of its roles for the release (the directory, or roles their sign-in claims
    /// grant: <paramref name="claimedRoles"/>), or, where the action allows it, as the requester before the plan approval.
    /// </summary>
    public static PermissionVerdict Check(ReleasePolicy policy, string action, ReleaseRecord release, string by, IEnumerable<string>? claimedRoles = null)
    {
        ArgumentNullException.ThrowIfNull(release);
        ArgumentException.ThrowIfNullOrWhiteSpace(by);
        var permission = For(policy, action);
        var request = release.Request;
        var people = ApproverDirectory.WithClaimedRoles(ApproverDirectory.Resolve(policy, request.Systems, request.Approvers), by, claimedRoles);
        var held = permission.Roles.FirstOrDefault(role => people.GetValueOrDefault(role, []).Contains(by, StringComparer.OrdinalIgnoreCase));
        var rule = $"access.permissions.{action}";
        if (held is not null)
        {
            return new(true, $"{rule}: {held}", $"{by} holds the {held} role for release '{request.Id}'.");
        }

        var beforePlanApproval = release.Phase is ReleasePhase.Submitted or ReleasePhase.Planning;
        if (permission.RequesterUntilPlanApproved && beforePlanApproval && string.Equals(request.RequestedBy, by, StringComparison.OrdinalIgnoreCase))
        {
            return new(true, $"{rule}: requester until plan approval", $"{by} requested release '{request.Id}', whose plan is not approved yet.");
        }

        var roles = string.Join(" or ", permission.Roles);
        var requester = permission.RequesterUntilPlanApproved ? " (or its requester, until its plan is approved)" : "";
        return new(false, rule, $"{by} does not hold the {roles} role for release '{request.Id}'; only a holder{requester} may {ReleaseActions.Verb(action)} it.");
    }
}
