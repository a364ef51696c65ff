using System.Security.Cryptography;
using System.Text;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReleaseManagement.Api.Audit;
using ReleaseManagement.Approvals;
using ReleaseManagement.Audit;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api.Approvals;

/// <summary>The checks and records behind a decision: who may decide (delegation, four eyes), the earlier decision, the record and its event.</summary>
public sealed partial class ApprovalDecisionService
{
    /// <summary>
    /// Why an approval of <paramref name="stage"/> is not accepted now, as the release last projected it: a gate of the
    /// stage is failing and the stage's rule does not allow approving with failing gates (the orchestration refuses such an
    /// approval too). Null when approvals are accepted.
    /// </summary>
    public static string? BlockedBy(ReleaseRecord release, string stage) =>
        release.PendingApprovals?.FirstOrDefault(p => p.Stage == stage)?.ApproveBlockedBy;

    /// <summary>
    /// The delegation under which <paramref name="approver"/> may decide for <paramref name="owner"/> now (in
    /// <paramref name="role"/> when named), read from the delegation itself (not a copy: a cancellation counts at once),
    /// or null and why not: there is none running, or four eyes forbid it (<see cref="Delegations.FourEyesRefusal"/>).
    /// </summary>
    private async Task<(Delegation? Delegation, string? Why)> DelegationAsync(
        ReleaseRecord release, string approver, string owner, string? role, CancellationToken cancellationToken)
    {
        var fourEyes = new ReleaseManagement.Policy.FourEyes(release.Request.RequestedBy, options.Value.RequesterMayApprove);
        if (Delegations.FourEyesRefusal(fourEyes, approver, owner) is { } barred)
        {
            return (null, barred);
        }

        var now = time.GetUtcNow();
        var running = await delegations.ListByDelegateAsync(approver, now, cancellationToken);
        var found = Delegations.Find(running, owner, approver, string.IsNullOrWhiteSpace(role) ? null : role.Trim(), now);
        var current = found is null ? null : await delegations.GetAsync(found.Id, cancellationToken);
        return current is not null && Delegations.Find([current], owner, approver, string.IsNullOrWhiteSpace(role) ? null : role.Trim(), now) is not null
            ? (current, null)
            : (null, $"{owner} has no delegation to {approver.Trim()} running now{(string.IsNullOrWhiteSpace(role) ? "" : $" for the role '{role.Trim()}'")}: {approver.Trim()} may not decide for them.");
    }

    /// <summary>
    /// Why the stage's rule would not count <paramref name="decision"/>: its person holds none of the stage's roles in the
    /// release's directory (the policy the release runs under, its systems and the people it names), in their own right or
    /// in the owner's roles they decide for under a delegation. The lifecycle's own rule (<see cref="ApprovalQuorum"/>, as
    /// <c>ApprovalStep</c> asks it), asked before anything is recorded. Null when it counts, or when the release's plan does
    /// not ask about the stage (the lifecycle says so on the timeline). The requester is judged before, by
    /// <see cref="Authorize"/>.
    /// </summary>
    private async Task<string?> NotAnApproverAsync(ReleaseRecord release, ApprovalDecision decision, CancellationToken cancellationToken)
    {
        var policy = await policies.ForAsync(release, cancellationToken);
        if (ApprovalPlan.For(policy, release).RuleOf(decision.Stage) is not { } rule)
        {
            return null;
        }

        var approvers = ApproverDirectory.Resolve(policy, release.Request.Systems, release.Request.Approvers);
        var verdict = ApprovalQuorum.Evaluate(decision.Stage, rule, approvers, requester: null, [decision]).Last!;
        return verdict.Outcome == DecisionOutcome.Refused ? verdict.Reason : null;
    }

    private DecisionAttemptOutcome? Authorize(string approver, bool approved, ReleaseRecord release, DecisionClient client)
    {
        var o = options.Value;
        if (o.RequireSignedInApprover)
        {
            if (client.Principal is null)
            {
                return DecisionAttemptOutcome.NotSignedIn;
            }

            if (!client.Principal.Is(approver))
            {
                return DecisionAttemptOutcome.WrongApprover;
            }
        }

        if (approved && !o.RequesterMayApprove && release.Request.RequestedBy is { Length: > 0 } requester
            && (string.Equals(requester.Trim(), approver.Trim(), StringComparison.OrdinalIgnoreCase) || (client.Principal?.Is(requester) ?? false)))
        {
            return DecisionAttemptOutcome.RequesterMayNotApprove;
        }

        return null;
    }

    /// <summary>
    /// The decision <paramref name="approver"/> already recorded on <paramref name="stage"/>, or null. A person decides a stage
    /// once, whatever roles they hold: their decision counts for one role only (<see cref="ReleaseManagement.Policy.ApprovalQuorum"/>),
    /// so a quorum of several roles needs as many distinct people (four eyes).
    /// </summary>
    private async Task<ApprovalDecisionRecord?> EarlierDecisionAsync(string releaseId, string stage, string approver, CancellationToken cancellationToken) =>
        (await decisions.ListAsync(releaseId, stage, cancellationToken))
            .Where(d => string.Equals(d.Approver.Trim(), approver.Trim(), StringComparison.OrdinalIgnoreCase))
            .OrderBy(d => d.DecidedAt)
            .FirstOrDefault();

    private async Task RecordAndRaiseAsync(ApprovalDecisionRecord record, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        await decisions.AddAsync(record, cancellationToken);
        var channel = record.Channel == DecisionChannels.EmailLink ? AuditChannels.Link : AuditChannels.Api;
        var data = new Dictionary<string, string>(StringComparer.Ordinal) { ["stage"] = record.Stage, ["decision"] = record.Approved ? "approved" : "rejected" };
        if (record.Role is { } role)
        {
            data["role"] = role;
        }

        if (record.Comment is { } comment)
        {
            data["comment"] = comment;
        }

        if (record.OnBehalfOf is { } owner)
        {
            data["for"] = owner;
        }

        if (record.ClaimedRoles is { Count: > 0 } claimed)
        {
            data["claimedRoles"] = string.Join(",", claimed);
        }

        await audit.RecordAsync(
            new AuditOrigin(channel, record.ClientAddress, record.SignedInAs), record.ReleaseId, AuditActions.Decision, record.Approver,
            $"{(record.Approved ? "Approved" : "Rejected")} stage '{record.Stage}'" + (record.Role is { } r ? $" as {r}" : "")
            + (record.OnBehalfOf is { } o ? $", decided by {record.Approver} for {o}." : "."),
            $"approvals.{record.Stage}", $"decision:{record.DecisionId}", data, record.DecidedAt, cancellationToken);

        var decision = record.ToDecision();
        await durable.RaiseEventAsync(record.ReleaseId, ApprovalStages.EventName(record.Stage), decision, cancellationToken);
        LogDecision(log, record.DecisionId, record.ReleaseId, record.Stage, record.Approved, record.Channel);
    }

    private static ApprovalDecisionRecord NewRecord(
        string releaseId, string stage, bool approved, string approver, string? role, string? comment, DateTimeOffset now, string channel, DecisionClient client,
        Delegation? delegation, IReadOnlyList<string> claimedRoles) =>
        new(
            Guid.NewGuid().ToString("N"),
            releaseId,
            stage,
            approved,
            approver,
            string.IsNullOrWhiteSpace(role) ? null : role,
            string.IsNullOrWhiteSpace(comment) ? null : comment.Trim(),
            now,
            channel,
            client.Address,
            client.UserAgent,
            client.Principal?.Name,
            delegation?.Owner,
            delegation is null || delegation.AllRoles ? null : delegation.Roles,
            claimedRoles.Count > 0 ? claimedRoles : null);

    /// <summary>
    /// The roles the signed-in principal's claims grant <paramref name="approver"/> under the policy the release runs under
    /// (<c>access.roleClaims</c>): recorded with the decision so the lifecycle counts it as the API judged it.
    /// </summary>
    private async Task<IReadOnlyList<string>> ClaimedRolesAsync(ReleaseRecord release, string approver, DecisionClient client, CancellationToken cancellationToken) =>
        client.Principal is null ? [] : Auth.ClaimedRoles.Of(await policies.ForAsync(release, cancellationToken), client.Principal, approver);

    private async Task<ApprovalRequest?> FindAsync(string token, CancellationToken cancellationToken) =>
        ApprovalTokens.IsWellFormed(token) ? await requests.GetAsync(ApprovalTokens.Hash(token), cancellationToken) : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Decision {DecisionId} on release {ReleaseId} stage {Stage}: approved={Approved} via {Channel}")]
    private static partial void LogDecision(ILogger logger, string decisionId, string releaseId, string stage, bool approved, string channel);

    [LoggerMessage(Level = LogLevel.Information, Message = "Decision on closed stage {Stage} of release {ReleaseId} not recorded")]
    private static partial void LogStageClosed(ILogger logger, string releaseId, string stage);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Decision refused ({Reason}) on release {ReleaseId} stage {Stage}")]
    private static partial void LogRefused(ILogger logger, DecisionAttemptOutcome reason, string releaseId, string stage);
}
