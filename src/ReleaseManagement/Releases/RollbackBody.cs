namespace ReleaseManagement.Releases;

/// <summary>The body of <c>POST /api/releases/{id}/rollback</c> as received (validated by <see cref="RollbackRequestValidator"/>).</summary>
/// <param name="Environment">Optional: integration, staging or production; default the environment deployed last.</param>
public sealed record RollbackBody(string? By = null, string? Reason = null, string? Environment = null);
