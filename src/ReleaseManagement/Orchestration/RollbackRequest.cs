using ReleaseManagement.Policy;

namespace ReleaseManagement.Orchestration;

/// <summary>
/// A release manager's request to roll a deployment of the release back (raised as
/// <see cref="Events.ReleaseEventNames.Rollback"/>). <paramref name="Environment"/> null means the environment deployed
/// last (<see cref="RollbackTargets.Choose"/>).
/// </summary>
public sealed record RollbackRequest(string Reason, string By, DateTimeOffset At, DeploymentEnvironment? Environment = null);
