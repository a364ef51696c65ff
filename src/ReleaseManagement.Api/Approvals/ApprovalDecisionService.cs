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

/// <summary>
/// The one decision path, for emailed links and the plain API alike: checks who may decide, records the decision in
/// <c>ApprovalDecisions</c>, consumes the link atomically (ETag-conditional), and raises the <see cref="ApprovalDecision"/>
/// event with a new decision id. Of concurrent submits through one link exactly one is recorded and raised.
/// Tokens are never logged.
/// </summary>
public sealed partial class ApprovalDecisionService(
    IApprovalRequestStore requests,
    IApprovalDecisionStore decisions,
    IReleaseStore releases,
    IDelegationStore delegations,
    IOptions<ApprovalOptions> options,
    TimeProvider time,
    ILogger<ApprovalDecisionService> log,
    AuditRecorder audit,
    ReleasePolicies policies)
{
    public const int MaxCommentLength = DecisionRequestValidator.MaxCommentLength;
    private const string FormPurpose = "approval-form:v1:";

    /// <summary>The anti-forgery value of a link's form: HMAC-SHA256 of the token hash under <c>Approvals:FormKey</c>.</summary>
    public string FormValue(string tokenHash)
    {
        var mac = HMACSHA256.HashData(options.Value.FormKeyBytes(), Encoding.ASCII.GetBytes(FormPurpose + tokenHash));
        return ApprovalTokens.Base64Url(mac);
    }

    public bool IsValidFormValue(string tokenHash, string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 100)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(FormValue(tokenHash)), Encoding.ASCII.GetBytes(value));
    }

    /// <summary>Finds what a link stands for, changing nothing (the GET and HEAD of a link).</summary>
    public async Task<LinkView> ViewAsync(string token, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        var request = await FindAsync(token, cancellationToken);
        if (request is null)
        {
            return new LinkView(DecisionAttemptOutcome.NotFound, null, null, []);
        }

        var release = await RunningRelease.CheckAsync(releases, durable, request.ReleaseId, cancellationToken);
        if (!release.Exists)
        {
            return new LinkView(DecisionAttemptOutcome.NotFound, null, null, []);
        }

        var stageDecisions = await decisions.ListAsync(request.ReleaseId, request.Stage, cancellationToken);
        if (request.State == ApprovalRequestState.Open
            && await requests.GetStageClosureAsync(request.ReleaseId, request.Stage, cancellationToken) is { } closure)
        {
            // Shown as closed, changing nothing: a GET never writes (the link is closed for good on a POST or by the activity).
            request = request with { State = ApprovalRequestState.Closed, ClosedReason = closure.Reason };
        }

        var state = request.State switch
        {
            ApprovalRequestState.Decided => DecisionAttemptOutcome.AlreadyDecided,
            ApprovalRequestState.Closed => DecisionAttemptOutcome.Closed,
            _ when request.IsExpired(time.GetUtcNow()) => DecisionAttemptOutcome.Expired,
            _ when !release.IsRunning => DecisionAttemptOutcome.Closed,
            _ => DecisionAttemptOutcome.Recorded,
        };
        return new LinkView(state, request, release.Record, stageDecisions);
    }

    /// <summary>A decision through an emailed link (the POST of its page, after the form value was checked).</summary>
    public async Task<DecisionAttemptResult> DecideByLinkAsync(
        string token, bool approved, string? comment, DecisionClient client, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        var request = await FindAsync(token, cancellationToken);
        if (request is null)
        {
            return new DecisionAttemptResult(DecisionAttemptOutcome.NotFound);
        }

        while (true)
        {
            var now = time.GetUtcNow();
            switch (request.State)
            {
                case ApprovalRequestState.Decided:
                    return new DecisionAttemptResult(DecisionAttemptOutcome.AlreadyDecided, request);
                case ApprovalRequestState.Closed:
                    return new DecisionAttemptResult(DecisionAttemptOutcome.Closed, request);
            }

            if (await requests.GetStageClosureAsync(request.ReleaseId, request.Stage, cancellationToken) is { } closure)
            {
                // The stage closed while this link was still open (the closing activity has not reached it yet): close it now.
                var closedByStage = request with { State = ApprovalRequestState.Closed, ClosedReason = closure.Reason };
                if (await requests.TryUpdateAsync(closedByStage, cancellationToken))
                {
                    return new DecisionAttemptResult(DecisionAttemptOutcome.Closed, closedByStage, Closure: closure);
                }

                request = await requests.GetAsync(request.TokenHash, cancellationToken);
                if (request is null)
                {
                    return new DecisionAttemptResult(DecisionAttemptOutcome.NotFound);
                }

                continue;
            }

            if (request.IsExpired(now))
            {
                return new DecisionAttemptResult(DecisionAttemptOutcome.Expired, request);
            }

            var standing = await RunningRelease.CheckAsync(releases, durable, request.ReleaseId, cancellationToken);
            if (standing.Record is not { } release)
            {
                return new DecisionAttemptResult(DecisionAttemptOutcome.NotFound);
            }

            var refusal = Authorize(request.Approver, approved, release, client);
            if (refusal is not null)
            {
                LogRefused(log, refusal.Value, request.ReleaseId, request.Stage);
                return new DecisionAttemptResult(refusal.Value, request, null, release);
            }

            // A link sent to a delegate decides for the owner only while the delegation still runs (not after a cancel).
            Delegation? delegation = null;
            if (request.OnBehalfOf is { Length: > 0 } owner)
            {
                (delegation, var why) = await DelegationAsync(release, request.Approver, owner, request.Role, cancellationToken);
                if (delegation is null)
                {
                    LogRefused(log, DecisionAttemptOutcome.DelegationRefused, request.ReleaseId, request.Stage);
                    return new DecisionAttemptResult(DecisionAttemptOutcome.DelegationRefused, request, null, release, Refusal: why);
                }
            }

            if (await EarlierDecisionAsync(request.ReleaseId, request.Stage, request.Approver, cancellationToken) is { } earlier)
            {
                // Through this very link (a concurrent submit won): the loop answers AlreadyDecided. Else another link or the API.
                var reread = await requests.GetAsync(request.TokenHash, cancellationToken);
                if (reread is null)
                {
                    return new DecisionAttemptResult(DecisionAttemptOutcome.NotFound);
                }

                if (reread.State != ApprovalRequestState.Open)
                {
                    request = reread;
                    continue;
                }

                LogRefused(log, DecisionAttemptOutcome.PersonAlreadyDecided, request.ReleaseId, request.Stage);
                return new DecisionAttemptResult(DecisionAttemptOutcome.PersonAlreadyDecided, request, earlier, release);
            }

            if (approved && standing.IsRunning && BlockedBy(release, request.Stage) is { } blocked)
            {
                LogRefused(log, DecisionAttemptOutcome.GateFailing, request.ReleaseId, request.Stage);
                return new DecisionAttemptResult(DecisionAttemptOutcome.GateFailing, request, null, release, BlockedBy: blocked);
            }

            if (!standing.IsRunning)
            {
                var closed = request with { State = ApprovalRequestState.Closed, ClosedReason = "The release no longer waits for decisions." };
                if (await requests.TryUpdateAsync(closed, cancellationToken))
                {
                    return new DecisionAttemptResult(DecisionAttemptOutcome.Closed, closed, null, release);
                }
            }
            else
            {
                var record = NewRecord(request.ReleaseId, request.Stage, approved, request.Approver, request.Role, comment, now, DecisionChannels.EmailLink, client, delegation,
                    await ClaimedRolesAsync(release, request.Approver, client, cancellationToken));
                var consumed = request with
                {
                    State = ApprovalRequestState.Decided,
                    DecisionId = record.DecisionId,
                    Approved = approved,
                    DecidedBy = request.Approver,
                    DecidedAt = now,
                };

                // The conditional update is the point of no return: whoever wins it records and raises; everyone else
                // re-reads the link below and sees it decided.
                if (await requests.TryUpdateAsync(consumed, cancellationToken))
                {
                    await RecordAndRaiseAsync(record, durable, cancellationToken);
                    return new DecisionAttemptResult(DecisionAttemptOutcome.Recorded, consumed, record, release);
                }
            }

            request = await requests.GetAsync(request.TokenHash, cancellationToken);
            if (request is null)
            {
                return new DecisionAttemptResult(DecisionAttemptOutcome.NotFound);
            }
        }
    }

    /// <summary>
    /// A decision through the plain API (<c>POST /api/releases/{id}/decisions</c>), after its body was validated; with
    /// <paramref name="onBehalfOf"/>, for that person under a delegation running now (<see cref="DelegationAsync"/>).
    /// </summary>
    public async Task<DecisionAttemptResult> DecideDirectAsync(
        string releaseId, string stage, bool approved, string approver, string? role, string? comment, DecisionClient client,
        DurableTaskClient durable, CancellationToken cancellationToken, string? onBehalfOf = null)
    {
        var standing = await RunningRelease.CheckAsync(releases, durable, releaseId, cancellationToken);
        if (standing.Record is not { } release)
        {
            return new DecisionAttemptResult(DecisionAttemptOutcome.NotFound);
        }

        var refusal = Authorize(approver, approved, release, client);
        if (refusal is not null)
        {
            LogRefused(log, refusal.Value, releaseId, stage);
            return new DecisionAttemptResult(refusal.Value, null, null, release);
        }

        Delegation? delegation = null;
        if (onBehalfOf is { Length: > 0 } && !string.Equals(onBehalfOf.Trim(), approver.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            (delegation, var why) = await DelegationAsync(release, approver, onBehalfOf.Trim(), role, cancellationToken);
            if (delegation is null)
            {
                LogRefused(log, DecisionAttemptOutcome.DelegationRefused, releaseId, stage);
                return new DecisionAttemptResult(DecisionAttemptOutcome.DelegationRefused, null, null, release, Refusal: why);
            }
        }

        if (await EarlierDecisionAsync(releaseId, stage, approver, cancellationToken) is { } earlier)
        {
            LogRefused(log, DecisionAttemptOutcome.PersonAlreadyDecided, releaseId, stage);
            return new DecisionAttemptResult(DecisionAttemptOutcome.PersonAlreadyDecided, null, earlier, release);
        }

        if (!standing.IsRunning)
        {
            return new DecisionAttemptResult(DecisionAttemptOutcome.Closed, null, null, release);
        }

        if (await requests.GetStageClosureAsync(releaseId, stage, cancellationToken) is { } closure)
        {
            LogStageClosed(log, releaseId, stage);
            return new DecisionAttemptResult(DecisionAttemptOutcome.Closed, null, null, release, closure);
        }

        var record = NewRecord(releaseId, stage, approved, approver, role, comment, time.GetUtcNow(), DecisionChannels.Api, client, delegation,
            await ClaimedRolesAsync(release, approver, client, cancellationToken));
        if (await NotAnApproverAsync(release, record.ToDecision(), cancellationToken) is { } notAnApprover)
        {
            LogRefused(log, DecisionAttemptOutcome.NotAnApprover, releaseId, stage);
            return new DecisionAttemptResult(DecisionAttemptOutcome.NotAnApprover, null, null, release, Refusal: notAnApprover);
        }

        if (approved && BlockedBy(release, stage) is { } blocked)
        {
            LogRefused(log, DecisionAttemptOutcome.GateFailing, releaseId, stage);
            return new DecisionAttemptResult(DecisionAttemptOutcome.GateFailing, null, null, release, BlockedBy: blocked);
        }

        await RecordAndRaiseAsync(record, durable, cancellationToken);
        return new DecisionAttemptResult(DecisionAttemptOutcome.Recorded, null, record, release);
    }
}
