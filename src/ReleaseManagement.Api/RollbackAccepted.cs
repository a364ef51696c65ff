namespace ReleaseManagement.Api;

/// <summary>The 202 body of <c>POST /api/releases/{id}/rollback</c>: the rollback raised to the release, and where to follow it.</summary>
/// <param name="Environment">The environment that will be rolled back (lower case).</param>
public sealed record RollbackAccepted(string ReleaseId, string Environment, string Reason, string By, DateTimeOffset At, string StatusUri);
