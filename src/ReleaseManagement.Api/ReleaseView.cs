using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api;

/// <summary>
/// The JSON view of a release (<c>GET /api/releases/{id}</c>): the request, its projected standing (phase, status, stage,
/// gate verdicts, pending approvals, risk, production's stepwise rollout), the orchestration's runtime status and the timeline.
/// </summary>
public sealed record ReleaseView(
    string Id,
    string Title,
    ReleaseType Type,
    IReadOnlyList<string> Systems,
    DateOnly TargetDate,
    string? RequestedBy,
    IReadOnlyDictionary<string, IReadOnlyList<string>>? Approvers,
    ChangeCategory ChangeCategory,
    RiskRating Impact,
    RiskRating Probability,
    DateTimeOffset CreatedAt,
    ReleasePhase Phase,
    ReleaseStatus Status,
    string? StatusReason,
    DateTimeOffset UpdatedAt,
    string? RuntimeStatus,
    string? Stage,
    IReadOnlyList<GateItemStatus> Gates,
    IReadOnlyList<PendingApproval> PendingApprovals,
    string? Risk,
    IReadOnlyList<TimelineEntry> Timeline,
    IReadOnlyList<ReleaseWarning> Warnings,
    IReadOnlyList<ScopeItem>? Scope = null,
    string? Notes = null,
    ChangeCategory? ReclassifiedFrom = null,
    IReadOnlyList<Objectives.BusinessObjective>? Objectives = null,
    RolloutProgress? Rollout = null,
    IReadOnlyList<FeatureFlag>? FeatureFlags = null)
{
    public static ReleaseView From(ReleaseRecord r, string? runtimeStatus, IReadOnlyList<TimelineEntry>? timeline = null) => new(
        r.Request.Id, r.Request.Title, r.Request.Type, r.Request.Systems, r.Request.TargetDate, r.Request.RequestedBy,
        r.Request.Approvers, r.Request.EffectiveChangeCategory, r.Request.Impact, r.Request.Probability,
        r.CreatedAt, r.Phase, r.Status, r.StatusReason, r.UpdatedAt, runtimeStatus,
        r.Stage, r.Gates ?? [], r.PendingApprovals ?? [], r.Risk, timeline ?? [], r.Warnings ?? [], r.Request.Scope ?? [], r.Request.Notes,
        r.Request.ReclassifiedFrom, r.Request.Objectives ?? [], r.Rollout, r.Request.FeatureFlags ?? []);
}
