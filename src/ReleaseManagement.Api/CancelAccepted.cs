namespace ReleaseManagement.Api;

/// <summary>The 202 body of <c>POST /api/releases/{id}/cancel</c>: the cancel raised to the release, and where to follow it.</summary>
public sealed record CancelAccepted(string ReleaseId, string Reason, string By, DateTimeOffset At, string StatusUri);
