namespace ReleaseManagement.Releases;

/// <summary>Where a release is in the procedure.</summary>
public enum ReleasePhase
{
    Submitted,
    Planning,
    Development,
    Promotion,
    Deployment,
    Validation,
    PostRelease,
    Closed,
}

/// <summary>The release's standing: active until one of the five outcomes.</summary>
public enum ReleaseStatus
{
    Active,
    Completed,
    Rejected,
    RolledBack,
    Failed,
    Cancelled,
}

/// <summary>The stored view of a release: the request plus its current phase, status and reason.</summary>
public sealed record ReleaseRecord(
    ReleaseRequest Request,
    DateTimeOffset CreatedAt,
    ReleasePhase Phase,
    ReleaseStatus Status,
    string? StatusReason,
    DateTimeOffset UpdatedAt);

/// <summary>The status projection one orchestration step writes; keyed by release and step so rewriting it is harmless.</summary>
public sealed record ReleaseStatusUpdate(
    string ReleaseId,
    ReleasePhase Phase,
    ReleaseStatus Status,
    string Reason,
    DateTimeOffset At);
