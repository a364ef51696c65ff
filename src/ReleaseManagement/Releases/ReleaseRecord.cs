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

/// <summary>The stored view of a release: the request plus its current standing, as the orchestration last projected it.</summary>
/// <param name="Stage">What the release is doing now, e.g. <c>plan</c>, <c>promotion:staging</c>, <c>window</c>, <c>watch</c>.</param>
/// <param name="Gates">The latest gate verdicts.</param>
/// <param name="PendingApprovals">Approval stages waiting for decisions.</param>
/// <param name="Risk">The risk level and its mitigation, in words.</param>
/// <param name="Warnings">What people should know about the release although it goes on (missing monitoring data, a notice
/// not sent, a conflict): one per <see cref="ReleaseWarning.Code"/>, in code order.</param>
/// <param name="PolicyHash">The SHA-256 of the policy the release was requested under and runs under (its snapshot is kept by
/// <see cref="Ports.IPolicySnapshots"/> before the record is stored; <see cref="Policy.ReleasePolicies"/> reads it). Set once,
/// at admission; null only on a record stored before snapshots existed (there should be none).</param>
public sealed record ReleaseRecord(
    ReleaseRequest Request,
    DateTimeOffset CreatedAt,
    ReleasePhase Phase,
    ReleaseStatus Status,
    string? StatusReason,
    DateTimeOffset UpdatedAt,
    string? Stage = null,
    IReadOnlyList<GateItemStatus>? Gates = null,
    IReadOnlyList<PendingApproval>? PendingApprovals = null,
    string? Risk = null,
    IReadOnlyList<ReleaseWarning>? Warnings = null,
    string? PolicyHash = null);

/// <summary>One gate item's verdict as projected (Passed, Failed, Pending, Waived) and why.</summary>
public sealed record GateItemStatus(string Item, string Verdict, string? Reason);

/// <summary>
/// An approval stage waiting for decisions: which roles are still missing, and by when; the stage's gate verdicts as the
/// approvers see them, and why an approval is not accepted now (a failing gate the stage's rule does not allow), if so.
/// </summary>
public sealed record PendingApproval(
    string Stage,
    IReadOnlyList<string> MissingRoles,
    DateTimeOffset Deadline,
    IReadOnlyList<GateItemStatus>? Gates = null,
    string? ApproveBlockedBy = null);

/// <summary>One line of a release's timeline. <see cref="Sequence"/> is assigned by the orchestration, so rewriting it is harmless.</summary>
public sealed record TimelineEntry(int Sequence, DateTimeOffset At, ReleasePhase Phase, string Kind, string Message);

/// <summary>
/// The status projection one orchestration step writes. Phase, status and reason always apply; the optional parts replace
/// what is stored only when given (an empty list clears); <see cref="Timeline"/> adds one timeline line (keyed by its
/// sequence); <see cref="TargetDate"/> records a moved target date. With <see cref="TimelineOnly"/> only the timeline line
/// is written (sub-orchestrations report this way without touching the release's standing). <see cref="Warnings"/> set
/// (or replace) warnings by code and <see cref="ClearedWarnings"/> remove them by code, also in a timeline-only update; the
/// other warnings stay as stored. Applying the same update twice leaves the same state.
/// </summary>
public sealed record ReleaseStatusUpdate(
    string ReleaseId,
    ReleasePhase Phase,
    ReleaseStatus Status,
    string Reason,
    DateTimeOffset At,
    string? Stage = null,
    IReadOnlyList<GateItemStatus>? Gates = null,
    IReadOnlyList<PendingApproval>? PendingApprovals = null,
    TimelineEntry? Timeline = null,
    DateOnly? TargetDate = null,
    string? Risk = null,
    bool TimelineOnly = false,
    IReadOnlyList<ReleaseWarning>? Warnings = null,
    IReadOnlyList<string>? ClearedWarnings = null);

/// <summary>
/// Filters of the release list; null means any. <see cref="TargetFrom"/> and <see cref="TargetTo"/> (both inclusive) narrow
/// by target date (the cadence and conflict checks read only the releases near a date).
/// </summary>
public sealed record ReleaseQuery(
    ReleaseStatus? Status = null,
    ReleaseType? Type = null,
    string? System = null,
    int Max = 200,
    DateOnly? TargetFrom = null,
    DateOnly? TargetTo = null);
