using ReleaseManagement.Orchestration;
using ReleaseManagement.Releases;

namespace ReleaseFunctions.TestSupport;

/// <summary>Status changes as the lifecycle writes them (each with its timeline line), for tests that set a release's standing.</summary>
public static class StatusWrites
{
    /// <summary>
    /// A change of <paramref name="id"/>'s standing at <paramref name="at"/>, told by a lifecycle line numbered
    /// <paramref name="sequence"/> (its message the reason); the optional parts as <see cref="ReleaseStatusChange"/>'s.
    /// </summary>
    public static ReleaseStatusChange Change(
        string id, ReleasePhase phase, ReleaseStatus status, string reason, DateTimeOffset at, string? stage = null, int sequence = 1,
        IReadOnlyList<GateItemStatus>? gates = null, IReadOnlyList<PendingApproval>? pendingApprovals = null, DateOnly? targetDate = null,
        string? risk = null, string kind = TimelineKinds.Status) =>
        new(id, at, phase, status, reason, new TimelineEntry(sequence, at, phase, kind, reason), stage, gates, pendingApprovals, targetDate, risk);
}
