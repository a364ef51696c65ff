namespace ReleaseManagement.Ports;

/// <summary>An email, ready to send.</summary>
public sealed record EmailMessage(IReadOnlyList<string> To, string Subject, string HtmlBody, string TextBody)
{
    /// <summary>Files sent with the message (release notes, a calendar invite).</summary>
    public IReadOnlyList<EmailAttachment> Attachments { get; init; } = [];

    /// <summary>Who receives a copy (the approver an ask goes to a delegate for).</summary>
    public IReadOnlyList<string> Cc { get; init; } = [];
}

/// <summary>A file attached to an email.</summary>
/// <param name="ContentType">The MIME type, e.g. <c>text/calendar; method=REQUEST</c> or <c>text/markdown</c>.</param>
public sealed record EmailAttachment(string FileName, string ContentType, string Content);
