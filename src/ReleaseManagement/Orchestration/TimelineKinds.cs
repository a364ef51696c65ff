namespace ReleaseManagement.Orchestration;

/// <summary>
/// The kinds of the release timeline's lines (<c>timeline[].kind</c> in <c>GET /api/releases/{id}</c>; docs/api.md lists
/// them). The values are part of the API: change none.
/// </summary>
public static class TimelineKinds
{
    /// <summary>A standing change without a kind of its own.</summary>
    public const string Status = "status";

    /// <summary>A phase or step begins (planning, development, a promotion, the watch).</summary>
    public const string Phase = "phase";

    public const string Gate = "gate";
    public const string Approval = "approval";
    public const string Milestone = "milestone";

    /// <summary>A pipeline event the release received.</summary>
    public const string Event = "event";

    public const string Window = "window";
    public const string Deployment = "deployment";
    public const string Rollback = "rollback";
    public const string Validation = "validation";
    public const string Watch = "watch";

    /// <summary>The emergency change review of a hotfix.</summary>
    public const string Review = "review";

    public const string Reschedule = "reschedule";

    /// <summary>A notice of the communication timeline (written by its sub-orchestration).</summary>
    public const string Communication = "communication";

    /// <summary>A warning raised on the release (<c>warnings</c> in the release's view).</summary>
    public const string Warning = "warning";

    /// <summary>How the release ended: always its last line.</summary>
    public const string Outcome = "outcome";
}
