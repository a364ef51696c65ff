namespace ReleaseManagement.Releases;

/// <summary>The body of <c>POST /api/releases/{id}/retry</c> and <c>/skip</c>: who decides, and why (optional).</summary>
public sealed record OutageDecisionBody(string? By = null, string? Reason = null);
