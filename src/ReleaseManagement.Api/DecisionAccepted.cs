namespace ReleaseManagement.Api;

/// <summary>The 202 body of <c>POST /api/releases/{id}/decisions</c>: the recorded decision's id and its stage.</summary>
public sealed record DecisionAccepted(string DecisionId, string ReleaseId, string Stage);
