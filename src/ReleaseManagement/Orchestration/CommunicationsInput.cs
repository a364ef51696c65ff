using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>Input of the communication timeline: the release as requested, the policy, and when the schedule was made.</summary>
public sealed record CommunicationsInput(ReleaseRequest Release, string PolicyJson, DateTimeOffset ScheduledAt);
