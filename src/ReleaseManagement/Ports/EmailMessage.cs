namespace ReleaseManagement.Ports;

/// <summary>An email, ready to send.</summary>
public sealed record EmailMessage(IReadOnlyList<string> To, string Subject, string HtmlBody, string TextBody);
