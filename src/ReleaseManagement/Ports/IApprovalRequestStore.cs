using ReleaseManagement.Approvals;

namespace ReleaseManagement.Ports;

/// <summary>The emailed approval links (table <c>ApprovalRequests</c> in Azure).</summary>
public interface IApprovalRequestStore
{
    /// <summary>The link with this token hash, or null.</summary>
    Task<ApprovalRequest?> GetAsync(string tokenHash, CancellationToken cancellationToken = default);

    /// <summary>The send recorded for <paramref name="sendKey"/> of a release, or null when none was started.</summary>
    Task<ApprovalSend?> GetSendAsync(string releaseId, string sendKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a new link and points the send at it. A link the send pointed at before (one whose email was never sent)
    /// is closed, so only the newest token of a send can work.
    /// </summary>
    Task AddAsync(ApprovalRequest request, CancellationToken cancellationToken = default);

    /// <summary>Marks the send of <paramref name="request"/> as emailed, so a retry does not email again.</summary>
    Task MarkSentAsync(ApprovalRequest request, DateTimeOffset sentAt, CancellationToken cancellationToken = default);

    /// <summary>Every send of a release's stage (all rounds and kinds).</summary>
    Task<IReadOnlyList<ApprovalSend>> ListSendsAsync(string releaseId, string stage, CancellationToken cancellationToken = default);

    /// <summary>Marks a stage closed (decided or expired). Idempotent: a stage closed before keeps its first closure.</summary>
    Task MarkStageClosedAsync(ApprovalStageClosure closure, CancellationToken cancellationToken = default);

    /// <summary>The closure of a release's stage, or null while the stage is not closed (not reached yet, or open).</summary>
    Task<ApprovalStageClosure?> GetStageClosureAsync(string releaseId, string stage, CancellationToken cancellationToken = default);

    /// <summary>
    /// Changes a link's state if it is unchanged since it was read (<see cref="ApprovalRequest.ETag"/>). Returns false,
    /// changing nothing, when someone else changed it first: of concurrent callers exactly one succeeds.
    /// </summary>
    Task<bool> TryUpdateAsync(ApprovalRequest updated, CancellationToken cancellationToken = default);
}
