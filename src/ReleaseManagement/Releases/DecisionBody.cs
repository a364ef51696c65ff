namespace ReleaseManagement.Releases;

/// <summary>The body of <c>POST /api/releases/{id}/decisions</c> as received (validated by <see cref="DecisionRequestValidator"/>).</summary>
/// <param name="OnBehalfOf">The person the approver decides for under a running delegation (docs/security.md, "Delegation while away").</param>
public sealed record DecisionBody(
    string? Stage = null, string? Decision = null, string? Approver = null, string? Role = null, string? Comment = null, string? OnBehalfOf = null);
