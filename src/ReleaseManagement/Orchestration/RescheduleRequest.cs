namespace ReleaseManagement.Orchestration;

/// <summary>Moves the target production date (raised as <see cref="Events.ReleaseEventNames.Reschedule"/>).</summary>
public sealed record RescheduleRequest(DateOnly TargetDate, string By, DateTimeOffset At, string? Reason = null);
