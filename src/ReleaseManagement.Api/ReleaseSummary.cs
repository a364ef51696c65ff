using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api;

/// <summary>One release in a list (<c>GET /api/releases</c>): its standing without the timeline.</summary>
public sealed record ReleaseSummary(
    string Id,
    string Title,
    ReleaseType Type,
    IReadOnlyList<string> Systems,
    DateOnly TargetDate,
    ReleasePhase Phase,
    ReleaseStatus Status,
    string? StatusReason,
    string? Stage,
    string? Risk,
    IReadOnlyList<PendingApproval> PendingApprovals,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<ReleaseWarning> Warnings)
{
    public static ReleaseSummary From(ReleaseRecord r) => new(
        r.Request.Id, r.Request.Title, r.Request.Type, r.Request.Systems, r.Request.TargetDate, r.Phase, r.Status, r.StatusReason,
        r.Stage, r.Risk, r.PendingApprovals ?? [], r.CreatedAt, r.UpdatedAt, r.Warnings ?? []);
}
