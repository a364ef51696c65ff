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
/// <param name="Rollout">Production's stepwise deployment as it stands; null unless production is deployed step by step.</param>
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
    string? PolicyHash = null,
    RolloutProgress? Rollout = null);

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

/// <summary>
/// One line of a release's timeline, keyed by its <see cref="Writer"/> (<see cref="TimelineWriters"/>) and the
/// <see cref="Sequence"/> that writer assigned: each writer numbers its own lines deterministically, so writing a line again
/// (a retried or replayed activity) rewrites the same row. <see cref="Phase"/> is the release's phase when its lifecycle
/// wrote the line; null for a writer that does not follow the phase (the communication timeline). <see cref="Kind"/> is a
/// <c>TimelineKinds</c> code; <see cref="Subject"/> what the line is about, for readers that must not parse the message
/// (a communication's id for kind <c>communication</c>), <see cref="Outcome"/> how it went for that subject (a
/// <see cref="CommunicationOutcomes"/> code) and <see cref="Recipients"/> how many people a sent notice reached.
/// </summary>
public sealed record TimelineEntry(
    int Sequence,
    DateTimeOffset At,
    ReleasePhase? Phase,
    string Kind,
    string Message,
    string Writer = TimelineWriters.Lifecycle,
    string? Subject = null,
    string? Outcome = null,
    int? Recipients = null);

/// <summary>
/// Filters of the release list; null means any. <see cref="TargetFrom"/> and <see cref="TargetTo"/> (both inclusive) narrow
/// by target date (the cadence and conflict checks read only the releases near a date). <see cref="EndedSince"/> keeps the
/// active releases and those that ended (their last status change, <see cref="ReleaseRecord.UpdatedAt"/>) at or after it.
/// <para>
/// What a store reads for it (the table store, docs/architecture.md "Hot queries"): target dates read the partitions of
/// their months (one given alone reaches a year from it); else status Active reads the active releases; else an ended
/// status, or <see cref="EndedSince"/>, reads the releases ended since (by default the last year for an ended status) plus,
/// without a status, the active ones. A query bounded by none of these reads every release: exports only.
/// </para>
/// </summary>
public sealed record ReleaseQuery(
    ReleaseStatus? Status = null,
    ReleaseType? Type = null,
    string? System = null,
    int Max = 200,
    DateOnly? TargetFrom = null,
    DateOnly? TargetTo = null,
    DateTimeOffset? EndedSince = null);
