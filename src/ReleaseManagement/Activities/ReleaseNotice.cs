namespace ReleaseManagement.Activities;

/// <summary>A notice about a release (a communication of the timeline, a review reminder or escalation).</summary>
/// <param name="Recipients">Email addresses, already resolved from the policy's audiences and roles.</param>
public sealed record ReleaseNotice(string ReleaseId, string NoticeId, string Subject, string Text, IReadOnlyList<string> Recipients);
