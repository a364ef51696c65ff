namespace ReleaseManagement.Releases;

/// <summary>The body of <c>POST /api/releases/{id}/decisions</c> as received (validated by <see cref="DecisionRequestValidator"/>).</summary>
public sealed record DecisionBody(string? Stage = null, string? Decision = null, string? Approver = null, string? Role = null, string? Comment = null);
