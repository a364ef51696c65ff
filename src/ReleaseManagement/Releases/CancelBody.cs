namespace ReleaseManagement.Releases;

/// <summary>The body of <c>POST /api/releases/{id}/cancel</c> as received (validated by <see cref="CancelRequestValidator"/>).</summary>
public sealed record CancelBody(string? Reason = null, string? By = null);
