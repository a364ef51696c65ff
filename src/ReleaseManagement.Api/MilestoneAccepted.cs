namespace ReleaseManagement.Api;

/// <summary>The 202 body of <c>POST /api/releases/{id}/milestones/{name}</c>: the stored event's id and the milestone.</summary>
public sealed record MilestoneAccepted(string EventId, string ReleaseId, string Milestone);
