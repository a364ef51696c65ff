namespace ReleaseManagement.Releases;

/// <summary>A validated decision through the plain API: the stage, approve or reject, who decides (and as which role).</summary>
public sealed record DirectDecision(string Stage, bool Approved, string Approver, string? Role, string? Comment, string? OnBehalfOf = null);
