namespace ReleaseManagement.Releases;

/// <summary>The body of <c>POST /api/releases/{id}/milestones/{name}</c> as received (validated by <see cref="MilestoneRequestValidator"/>).</summary>
public sealed record MilestoneBody(string? By = null, string? Note = null);
