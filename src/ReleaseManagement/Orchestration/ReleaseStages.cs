using ReleaseManagement.Policy;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// The stages the release orchestration projects (<c>stage</c> in <c>GET /api/releases/{id}</c>; docs/api.md lists
/// them). The values are part of the API: change none.
/// </summary>
public static class ReleaseStages
{
    public const string Planning = "planning";
    public const string Milestones = "milestones";
    public const string Window = "window";
    public const string Validation = "validation";
    public const string Watch = "watch";
    public const string SuccessCriteria = "success-criteria";
    public const string EmergencyReview = "emergency-review";
    public const string Communications = "communications";
    public const string Closed = "closed";

    /// <summary>
    /// Whether a release in phase PostRelease has finished its watch (success criteria met; review or notices still
    /// due): the post-release monitor stops reading it.
    /// </summary>
    public static bool IsPastWatch(string? stage) => stage is SuccessCriteria or EmergencyReview or Communications or Closed;

    /// <summary>The development gate at Release Candidate.</summary>
    public static readonly string DevelopmentGate = Gate("development");

    /// <summary>A quality gate checked before a promotion: <c>gate:development</c>, <c>gate:staging</c>, ...</summary>
    public static string Gate(string name) => $"gate:{name}";

    /// <summary>The gate checked before promoting into <paramref name="environment"/>: <c>gate:production</c>.</summary>
    public static string Gate(DeploymentEnvironment environment) => Gate(Lower(environment));

    /// <summary>Waiting for a promotion's trigger: <c>promotion:staging</c> (the same key as its approval stage).</summary>
    public static string Promotion(DeploymentEnvironment environment) => ApprovalStageKeys.Promotion(environment);

    /// <summary>A deployment under way: <c>deploy:production</c>.</summary>
    public static string Deploy(DeploymentEnvironment environment) => $"deploy:{Lower(environment)}";

    /// <summary>A rollback under way: <c>rollback:production</c>.</summary>
    public static string Rollback(DeploymentEnvironment environment) => $"rollback:{Lower(environment)}";

    /// <summary>An environment as stages, pipelines and deployment requests name it: <c>production</c>.</summary>
    public static string Lower(DeploymentEnvironment environment) => environment.ToString().ToLowerInvariant();
}
