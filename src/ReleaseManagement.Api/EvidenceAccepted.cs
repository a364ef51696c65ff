namespace ReleaseManagement.Api;

/// <summary>The 202 body of <c>POST /api/releases/{id}/evidence</c>: the stored event's id, the gate item and the kind.</summary>
public sealed record EvidenceAccepted(string EventId, string ReleaseId, string Item, string Kind);
