using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>Why the communication timeline stops: the release's outcome (not Completed) and its reason.</summary>
public sealed record CommunicationsStop(ReleaseStatus Outcome, string Reason);
