namespace ReleaseManagement.Orchestration;

/// <summary>What the timeline did: each notice sent, missed (its time had passed when scheduled) or skipped.</summary>
public sealed record CommunicationsResult(IReadOnlyList<string> Sent, IReadOnlyList<string> Missed, IReadOnlyList<string> Skipped);
