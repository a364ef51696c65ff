namespace ReleaseManagement.Orchestration;

/// <summary>What a release manager decides for an effect waiting out an outage (<see cref="OutageDecision.Action"/>).</summary>
public enum OutageAction
{
    /// <summary>Try the effect again now, without waiting for the next timer.</summary>
    Retry,

    /// <summary>Go on without the effect, where the procedure allows it (a notice, an outbound event); refused otherwise.</summary>
    Skip,
}

/// <summary>
/// A release manager's decision on the effect the release is waiting to carry out while its dependency is down (raised as
/// <see cref="Events.ReleaseEventNames.Outage"/>).
/// </summary>
public sealed record OutageDecision(OutageAction Action, string By, string? Reason, DateTimeOffset At);
