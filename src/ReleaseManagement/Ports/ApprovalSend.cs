namespace ReleaseManagement.Ports;

/// <summary>One send of an approval email: which link it carries and whether the email went out.</summary>
public sealed record ApprovalSend(string ReleaseId, string SendKey, string TokenHash, DateTimeOffset? SentAt);
