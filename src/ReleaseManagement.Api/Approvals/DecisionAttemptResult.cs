using ReleaseManagement.Approvals;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api.Approvals;

/// <summary>
/// The result of a decision attempt; <see cref="Request"/> is the link (token path), <see cref="Decision"/> what was recorded.
/// <see cref="Closure"/> is set when the outcome is <see cref="DecisionAttemptOutcome.Closed"/> because the stage itself was closed;
/// <see cref="BlockedBy"/> when it is <see cref="DecisionAttemptOutcome.GateFailing"/>; <see cref="Refusal"/> when it is
/// <see cref="DecisionAttemptOutcome.DelegationRefused"/>.
/// </summary>
public sealed record DecisionAttemptResult(
    DecisionAttemptOutcome Outcome, ApprovalRequest? Request = null, ApprovalDecisionRecord? Decision = null, ReleaseRecord? Release = null,
    ApprovalStageClosure? Closure = null, string? BlockedBy = null, string? Refusal = null);
