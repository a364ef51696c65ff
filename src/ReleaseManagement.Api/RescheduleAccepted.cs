namespace ReleaseManagement.Api;

/// <summary>The 202 body of <c>PATCH /api/releases/{id}</c>: the new and the previous target date, and where to follow it.</summary>
public sealed record RescheduleAccepted(
    string ReleaseId, DateOnly TargetDate, DateOnly PreviousTargetDate, string By, DateTimeOffset At, string? Reason, string StatusUri);
