namespace ReleaseManagement.Api;

/// <summary>The 202 body of <c>POST /api/releases</c>: the release's id and where to follow it.</summary>
public sealed record ReleaseAccepted(string Id, string StatusUri);
