using ReleaseManagement.Releases;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// One status projection of the release, as <see cref="StatusRecorder"/> writes it: the standing's reason and stage, a
/// timeline line of <see cref="Kind"/>, and whatever else changed (null leaves a field as stored). A record that changes
/// nothing of the standing (no reason, stage, status other than Active, or projected part) is a timeline note.
/// </summary>
/// <param name="Reason">The new status reason; null keeps the last one.</param>
/// <param name="Stage">The new stage (<see cref="ReleaseStages"/>); null keeps the current one.</param>
/// <param name="Kind">The timeline line's kind (<see cref="TimelineKinds"/>).</param>
internal sealed record StatusRecord(string? Reason, string? Stage, string Kind = TimelineKinds.Status)
{
    public ReleaseStatus Status { get; init; } = ReleaseStatus.Active;

    public IReadOnlyList<GateItemStatus>? Gates { get; init; }

    public IReadOnlyList<PendingApproval>? PendingApprovals { get; init; }

    public string? Risk { get; init; }

    public DateOnly? TargetDate { get; init; }

    /// <summary>Warnings to set (or replace) by code.</summary>
    public IReadOnlyList<ReleaseWarning>? Warnings { get; init; }

    /// <summary>Codes of warnings that no longer apply.</summary>
    public IReadOnlyList<string>? ClearedWarnings { get; init; }

    /// <summary>The timeline line's text when it differs from <see cref="Reason"/>.</summary>
    public string? Message { get; init; }
}
