namespace ReleaseManagement.Orchestration;

/// <summary>Ends the release at whatever phase it is in (raised as <see cref="Events.ReleaseEventNames.Cancel"/>).</summary>
public sealed record CancelRequest(string Reason, string By, DateTimeOffset At);
