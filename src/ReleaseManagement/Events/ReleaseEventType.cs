namespace ReleaseManagement.Events;

/// <summary>The transitions of a release published to other systems (<see cref="ReleaseEvent"/>).</summary>
public enum ReleaseEventType
{
    ReleaseStarted,
    PhaseChanged,
    ReleaseCompleted,
    ReleaseRejected,
    ReleaseRolledBack,
    ReleaseFailed,
    ReleaseCancelled,
    ApprovalRequested,
    ApprovalGranted,
    ApprovalRejected,
    ApprovalExpired,
}
