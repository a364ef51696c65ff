namespace ReleaseManagement.Releases;

/// <summary>The body of <c>PATCH /api/releases/{id}</c> as received (validated by <see cref="RescheduleRequestValidator"/>).</summary>
public sealed record RescheduleBody(string? TargetDate = null, string? By = null, string? Reason = null);
