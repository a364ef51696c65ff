using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// Everything the orchestration needs, captured when the release starts so that replays see the same values
/// even if configuration changes while the release is in flight.
/// </summary>
public sealed record ReleaseOrchestrationInput(
    ReleaseRequest Release,
    TimeSpan PlanApprovalTimeout);

/// <summary>How a release ended and why.</summary>
public sealed record ReleaseOutcome(ReleaseStatus Status, string Reason);
