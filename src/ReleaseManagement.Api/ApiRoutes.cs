
namespace ReleaseManagement.Api;

/// <summary>
/// The HTTP routes both hosts serve, relative to <see cref="Prefix"/>: the Functions app's <c>HttpTrigger</c> attributes
/// and the local host's endpoints use these constants, and <c>HostParityTests</c> checks that each host serves every one.
/// </summary>
public static class ApiRoutes
{
    /// <summary>The route prefix: the Functions host's default <c>extensions.http.routePrefix</c>, the local host's group.</summary>
    public const string Prefix = "api";

    public const string Releases = "releases";
    public const string Release = "releases/{id}";
    public const string ReleaseDecisions = "releases/{id}/decisions";
    public const string ReleaseCancel = "releases/{id}/cancel";
    public const string ReleaseMilestone = "releases/{id}/milestones/{name}";
    public const string ReleaseEvidence = "releases/{id}/evidence";
    public const string ReleaseAudit = "releases/{id}/audit";

    /// <summary>Every release's audit rows in a period (<c>?from=YYYY-MM-DD&amp;to=YYYY-MM-DD</c>), for auditors.</summary>
    public const string AuditPeriod = "audit";
    public const string ReleaseNotes = "releases/{id}/notes";

    /// <summary>A release's user satisfaction (<see cref="Feedback.FeedbackHandlers.SummaryAsync"/>).</summary>
    public const string ReleaseFeedback = "releases/{id}/feedback";

    /// <summary>A release's business objectives and their verdicts (<see cref="ObjectiveHandlers"/>).</summary>
    public const string ReleaseObjectives = "releases/{id}/objectives";

    /// <summary>A person's attestation of one objective.</summary>
    public const string ReleaseObjective = "releases/{id}/objectives/{objective}";

    /// <summary>A reader's feedback link: GET/HEAD show the form, POST records the answer.</summary>
    public const string FeedbackLink = "feedback/{token}";
    public const string ReleaseRollback = "releases/{id}/rollback";
    public const string ReleaseRetry = "releases/{id}/retry";
    public const string ReleaseSkip = "releases/{id}/skip";

    /// <summary>A release manager resumes a stranded release (<see cref="ResumeHandler"/>).</summary>
    public const string ReleaseResume = "releases/{id}/resume";
    /// <summary>Delegation while away: <c>POST</c> one, <c>GET</c> a person's (<see cref="DelegationHandlers"/>).</summary>
    public const string Delegations = "delegations";

    /// <summary>Its owner ends a delegation early.</summary>
    public const string DelegationCancel = "delegations/{id}/cancel";
    public const string Health = "health";
    public const string Policy = "policy";
    public const string Approval = "approvals/{token}";
    public const string Metrics = "metrics";
    public const string Report = "reports/{period}";
    public const string GitHubWebhook = "webhooks/github";
    public const string AzureDevOpsWebhook = "webhooks/azure-devops";
    public const string CDEventsWebhook = "webhooks/cdevents";

    /// <summary>Every route above (the constants of this class but <see cref="Prefix"/>), and the dashboard's (<see cref="Dashboard.DashboardRoutes.All"/>).</summary>
    public static IReadOnlyList<string> All { get; } =
        [.. StringConstants.Of(typeof(ApiRoutes), except: nameof(Prefix)), .. Dashboard.DashboardRoutes.All];
}
