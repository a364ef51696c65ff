using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// Input of the communication timeline: the release as requested, the policy, and when the schedule was made; on a resumed
/// release, the effects its earlier timeline completed (<see cref="ReleaseResume.Communications"/>, not done again).
/// </summary>
public sealed record CommunicationsInput(ReleaseRequest Release, string PolicyJson, DateTimeOffset ScheduledAt, IReadOnlyList<JournalEntry>? Done = null);
