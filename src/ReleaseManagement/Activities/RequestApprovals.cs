using Microsoft.Extensions.Logging;
using ReleaseManagement.Approvals;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Activities;

/// <summary>
/// The input of <see cref="RequestApprovals"/>: ask <paramref name="Approvers"/> to decide <paramref name="Stage"/> of a
/// release, each by an email with a personal link that works until <paramref name="Deadline"/>.
/// </summary>
/// <param name="Round">Counts the times the stage is put to approvers (1 for the first); a new round sends new emails.</param>
/// <param name="Kind">Request, Reminder or Escalation: each kind of a round is emailed once per approver, with a fresh link.</param>
/// <param name="Risk">The release's risk as the policy rates it, shown in the email (optional).</param>
/// <param name="GateSummary">A line on the verdicts of the stage's gate, shown in the email (optional).</param>
/// <param name="Gates">The stage's gate items with their verdicts (passed, failed, waived and by whom, pending), shown in the email.</param>
/// <param name="ApproveBlockedBy">Why an approval is not accepted now (a failing gate the stage's rule does not allow), or null.</param>
/// <param name="DecidedSoFar">Who has decided the stage so far, in words ("lead@example.com (technical-lead): approved").</param>
public sealed record RequestApprovalsInput(
    string ReleaseId,
    string Stage,
    int Round,
    ApprovalKind Kind,
    IReadOnlyList<ApproverRef> Approvers,
    DateTimeOffset Deadline,
    string? Risk = null,
    string? GateSummary = null,
    IReadOnlyList<GateItemStatus>? Gates = null,
    string? ApproveBlockedBy = null,
    IReadOnlyList<string>? DecidedSoFar = null);

/// <summary>How many approvers were emailed now, and how many had been emailed by an earlier attempt.</summary>
public sealed record RequestApprovalsResult(int Emailed, int AlreadyEmailed);

/// <summary>
/// Creates one approval link per approver and emails it; while an approver's delegation covering the role runs
/// (<see cref="Delegations.ForAsk"/>), the link and email go to the delegate with the approver in copy, and the link
/// decides as the delegate for the approver. Idempotent per release, stage, round, kind and approver:
/// a retry emails only those whose email did not go out yet, and each approver's send is claimed first
/// (<see cref="SendOnce"/>), so a second worker running the same call does not email them again (at least once only
/// where a worker dies between sending and recording the send; then only the newer link works).
/// </summary>
public sealed partial class RequestApprovals(
    IReleaseStore releases,
    IApprovalRequestStore requests,
    IDelegationStore delegations,
    IApprovalEmailComposer composer,
    IEmailSender email,
    TimeProvider time,
    SendOnce once,
    ILogger<RequestApprovals> log)
{
    public async Task<RequestApprovalsResult> RunAsync(RequestApprovalsInput input, CancellationToken cancellationToken = default)
    {
        Validate(input);
        var release = await releases.GetAsync(input.ReleaseId, cancellationToken)
            ?? throw new InvalidOperationException($"There is no release '{input.ReleaseId}' to request approvals for.");

        int emailed = 0, already = 0;
        foreach (var approver in input.Approvers.DistinctBy(a => a.Email.Trim().ToLowerInvariant()))
        {
            var key = ApprovalRequestKeys.SendKey(input.Stage, input.Round, input.Kind, approver.Email);
            var sentHere = false;
            await once.RunAsync(input.ReleaseId, $"approval|{key}", async ct =>
            {
                sentHere = await SendAsync(input, release, approver, key, ct);
                return 1;
            }, cancellationToken);
            if (sentHere)
            {
                emailed++;
            }
            else
            {
                already++;
            }
        }

        return new RequestApprovalsResult(emailed, already);
    }

    /// <summary>One approver's link and email, unless an earlier attempt's email went out; true when it was sent now.</summary>
    private async Task<bool> SendAsync(RequestApprovalsInput input, ReleaseRecord release, ApproverRef approver, string key, CancellationToken cancellationToken)
    {
        var send = await requests.GetSendAsync(input.ReleaseId, key, cancellationToken);
        if (send?.SentAt is not null)
        {
            return false;
        }

        var (token, hash) = ApprovalTokens.Create();
        var now = time.GetUtcNow();
        var delegation = Delegations.ForAsk(
            await delegations.ListByOwnerAsync(approver.Email.Trim(), now, cancellationToken), approver.Email, approver.Role.Trim(), now,
            new FourEyes(release.Request.RequestedBy));
        var request = new ApprovalRequest(
            hash, input.ReleaseId, input.Stage, input.Round, input.Kind, delegation?.Delegate.Trim() ?? approver.Email.Trim(), approver.Role.Trim(),
            now, input.Deadline, OnBehalfOf: delegation is null ? null : approver.Email.Trim());
        await requests.AddAsync(request, cancellationToken);

        var message = composer.Compose(new ApprovalEmailModel(
            release.Request, input.Stage, input.Kind, approver with { Email = request.Approver }, input.Risk, input.GateSummary, input.Deadline, token)
        {
            Gates = input.Gates ?? [],
            ApproveBlockedBy = input.ApproveBlockedBy,
            DecidedSoFar = input.DecidedSoFar ?? [],
            Warnings = release.Warnings ?? [],
            OnBehalfOf = request.OnBehalfOf,
        });
        await email.SendAsync(message, cancellationToken);
        await requests.MarkSentAsync(request, time.GetUtcNow(), cancellationToken);
        LogSent(log, input.Kind, input.ReleaseId, input.Stage, input.Round, request.Role);
        return true;
    }

    private static void Validate(RequestApprovalsInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!ReleaseIds.IsValid(input.ReleaseId))
        {
            throw new ArgumentException($"'{input.ReleaseId}' is not a release id.", nameof(input));
        }

        if (string.IsNullOrWhiteSpace(input.Stage) || input.Stage.Contains('|'))
        {
            throw new ArgumentException("The stage is required and must not contain '|'.", nameof(input));
        }

        if (input.Round is < 1 or > 9999)
        {
            throw new ArgumentException("The round must be between 1 and 9999.", nameof(input));
        }

        if (input.Approvers is null || input.Approvers.Count == 0)
        {
            throw new ArgumentException("At least one approver is required.", nameof(input));
        }

        foreach (var a in input.Approvers)
        {
            if (a is null || !EmailAddresses.IsValid(a.Email?.Trim()) || string.IsNullOrWhiteSpace(a.Role))
            {
                throw new ArgumentException("Every approver needs an email address and a role.", nameof(input));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Emailed approval {Kind} for release {ReleaseId} stage {Stage} round {Round} to role {Role}")]
    private static partial void LogSent(ILogger logger, ApprovalKind kind, string releaseId, string stage, int round, string role);
}
