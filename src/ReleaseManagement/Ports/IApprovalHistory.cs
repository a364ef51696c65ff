namespace ReleaseManagement.Ports;

/// <summary>What the rollup reads of approvals beyond a release's own rows.</summary>
public interface IApprovalHistory
{
    /// <summary>
    /// Asks resolved in [from, to): every decision, with the time the role was last asked before it; every role asked
    /// on a stage whose links expired in the range without a decision of that role (a timeout); and every stage skipped in
    /// the range because the release's change category pre-approves it (outcome Skipped, role "(pre-approved)", never asked).
    /// </summary>
    Task<IReadOnlyList<ResolvedApprovalAsk>> ListResolvedAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);

    /// <summary>Per stage of a release: when it was first asked and when its last decision came, for approval wait.</summary>
    Task<IReadOnlyList<(string Stage, DateTimeOffset FirstAsked, DateTimeOffset LastDecided, bool Approved)>> StageSpansAsync(string releaseId, CancellationToken cancellationToken = default);
}
