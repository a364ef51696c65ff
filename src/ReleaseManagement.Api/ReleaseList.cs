namespace ReleaseManagement.Api;

/// <summary>The body of <c>GET /api/releases</c>.</summary>
public sealed record ReleaseList(int Count, IReadOnlyList<ReleaseSummary> Releases);
