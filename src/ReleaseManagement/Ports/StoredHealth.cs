namespace ReleaseManagement.Ports;

/// <summary>A system's reading stored by the post-release monitor, with the thresholds it crossed.</summary>
public sealed record StoredHealth(string ReleaseId, DateTimeOffset At, SystemHealth Health, bool Partial, string? Error, IReadOnlyList<string> Breaches);
