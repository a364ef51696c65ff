using ReleaseManagement.Approvals;

namespace ReleaseManagement.Ports;

/// <summary>The decisions recorded (table <c>ApprovalDecisions</c> in Azure).</summary>
public interface IApprovalDecisionStore
{
    /// <summary>Records a decision. Idempotent on the decision id.</summary>
    Task AddAsync(ApprovalDecisionRecord decision, CancellationToken cancellationToken = default);

    /// <summary>The decisions on a release's stage, oldest first.</summary>
    Task<IReadOnlyList<ApprovalDecisionRecord>> ListAsync(string releaseId, string stage, CancellationToken cancellationToken = default);
}
