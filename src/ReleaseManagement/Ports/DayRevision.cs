namespace ReleaseManagement.Ports;

/// <summary>When a recompute changed a rolled-up day's facts, and why (the stale mark's reason).</summary>
public sealed record DayRevision(DateTimeOffset At, string Reason);
