namespace ReleaseManagement.Orchestration;

/// <summary>Ends the release at whatever phase it is in (raised as <see cref="Events.ReleaseEventNames.Cancel"/>).</summary>
public sealed record CancelRequest(string Reason, string By, DateTimeOffset At);

/// <summary>Moves the target production date (raised as <see cref="Events.ReleaseEventNames.Reschedule"/>).</summary>
public sealed record RescheduleRequest(DateOnly TargetDate, string By, DateTimeOffset At, string? Reason = null);
