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
}

/// <summary>The attachments a communication may carry (<see cref="CommunicationEvent.Attach"/>).</summary>
public static class CommunicationAttachments
{
    public const string Invite = "invite";
    public const string ReleaseNotes = "release-notes";

    public static readonly IReadOnlyList<string> All = [Invite, ReleaseNotes];
}
