using Microsoft.Extensions.Logging;
using ReleaseManagement.Approvals;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Activities;

/// <summary>The input of <see cref="CloseApprovalStage"/>; <paramref name="Reason"/> is shown on the closed links' page.</summary>
/// <param name="Skipped">The stage was skipped (not on the change category's approval route): pre-approved, nobody was asked.</param>
public sealed record CloseApprovalStageInput(string ReleaseId, string Stage, string Reason, bool Skipped = false);

public sealed record CloseApprovalStageResult(int Closed);

/// <summary>
/// Closes a decided or expired stage: marks the stage closed first (from then on neither a link nor the plain API
/// records a decision on it), then stops every outstanding link from working (their page says the stage is closed).
/// Links already used keep showing who decided. Idempotent: closing again changes nothing.
/// </summary>
public sealed partial class CloseApprovalStage(IApprovalRequestStore requests, TimeProvider time, ILogger<CloseApprovalStage> log)
{
    public const int MaxReasonLength = 500;

    public async Task<CloseApprovalStageResult> RunAsync(CloseApprovalStageInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var reason = string.IsNullOrWhiteSpace(input.Reason) ? "The stage is closed." : input.Reason.Trim();
        if (reason.Length > MaxReasonLength)
        {
            reason = reason[..MaxReasonLength];
        }

        await requests.MarkStageClosedAsync(new ApprovalStageClosure(input.ReleaseId, input.Stage, reason, time.GetUtcNow(), input.Skipped), cancellationToken);
        var closed = 0;
        foreach (var send in await requests.ListSendsAsync(input.ReleaseId, input.Stage, cancellationToken))
        {
            while (true)
            {
                var request = await requests.GetAsync(send.TokenHash, cancellationToken);
                if (request is null || request.State != ApprovalRequestState.Open)
                {
                    break;
                }

                var updated = request with { State = ApprovalRequestState.Closed, ClosedReason = reason };
                if (await requests.TryUpdateAsync(updated, cancellationToken))
                {
                    closed++;
                    break;
                }
            }
        }

        LogClosed(log, input.ReleaseId, input.Stage, closed);
        return new CloseApprovalStageResult(closed);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed {Count} approval links of release {ReleaseId} stage {Stage}")]
    private static partial void LogClosed(ILogger logger, string releaseId, string stage, int count);
}
