namespace ReleaseManagement.Policy;

/// <summary>One event of the communication timeline.</summary>
public sealed record CommunicationEvent
{
    /// <summary>The event's id (e.g. <c>feature-freeze</c>).</summary>
    public required string Id { get; init; }

    public required string Description { get; init; }

    /// <summary>When, relative to the release's target time: negative before (T-14 is -14 days), positive after.</summary>
    public required TimeSpan Offset { get; init; }

    /// <summary>Who is told (audience names resolved by the notifier).</summary>
    public required IReadOnlyList<string> Audiences { get; init; }

    /// <summary>The message template's name.</summary>
    public required string Template { get; init; }

    /// <summary>What the notice carries besides its text: <c>invite</c> (the production window as iCalendar), <c>release-notes</c>. Optional.</summary>
    public IReadOnlyList<string> Attach { get; init; } = [];

    /// <summary>
    /// What the notice asks its readers to confirm, if anything (the procedure's T-3 "deployment readiness confirmation"):
    /// an attestation of <see cref="CommunicationConfirmation.Item"/> by a holder of its roles, who are told too. Optional.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public CommunicationConfirmation? Confirm { get; init; }

    /// <summary>
    /// Whether the notice asks its readers for feedback: each gets the email alone, with a link of their own to a 1–5 rating
    /// and a comment (the procedure's "user feedback collection"). Optional; default on the post-deployment report only.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool AskFeedback { get; init; }
}

/// <summary>
/// A confirmation a communication asks for: an attestation of <see cref="Item"/> (through the evidence API or the release
/// page's form) by a holder of one of <see cref="Roles"/>, who receive the notice. If none is recorded when the later
/// communication <see cref="WarnAt"/> comes due, the release carries the warning <c>confirmation-missing</c> and the people
/// who approved its plan, with the roles' holders, are told; the warning clears once the confirmation is recorded (looked
/// for again every <see cref="RecheckEvery"/>) or the release ends.
/// </summary>
public sealed record CommunicationConfirmation
{
    /// <summary>The attestation item (e.g. <c>deployment-readiness</c>): the evidence API accepts an attestation of it, not a waiver.</summary>
    public required string Item { get; init; }

    /// <summary>What is confirmed, as the notice and the release page name it.</summary>
    public required string Description { get; init; }

    /// <summary>Who confirms: the holders of any of these roles for the release.</summary>
    public required IReadOnlyList<string> Roles { get; init; }

    /// <summary>The id of a later communication of the timeline: when it comes due unconfirmed, the approvers are warned.</summary>
    public required string WarnAt { get; init; }

    /// <summary>How often a missing confirmation is looked for again once warned about. Default one hour.</summary>
    public TimeSpan RecheckEvery { get; init; } = TimeSpan.FromHours(1);
}

/// <summary>The attachments a communication may carry (<see cref="CommunicationEvent.Attach"/>).</summary>
public static class CommunicationAttachments
{
    public const string Invite = "invite";
    public const string ReleaseNotes = "release-notes";

    public static readonly IReadOnlyList<string> All = [Invite, ReleaseNotes];
}
