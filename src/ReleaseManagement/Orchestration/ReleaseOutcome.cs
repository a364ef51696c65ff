using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>How a release ended and why.</summary>
public sealed record ReleaseOutcome(ReleaseStatus Status, string Reason);
