using ReleaseManagement.Approvals;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api.Approvals;

/// <summary>What a link shows when opened (GET/HEAD): nothing is changed to find this out.</summary>
public sealed record LinkView(
    DecisionAttemptOutcome State,
    ApprovalRequest? Request,
    ReleaseRecord? Release,
    IReadOnlyList<ApprovalDecisionRecord> Decisions);
