namespace ReleaseManagement.Activities;

/// <summary>A notice about a release (a communication of the timeline, an outcome, a review reminder or escalation).</summary>
/// <param name="Recipients">Email addresses, already resolved from the policy's audiences and roles.</param>
/// <param name="Subject">The subject of a plain notice; a templated notice's subject comes from its template.</param>
/// <param name="Text">The text of a plain notice; a templated notice's body comes from its template.</param>
public sealed record ReleaseNotice(string ReleaseId, string NoticeId, string Subject, string Text, IReadOnlyList<string> Recipients)
{
    /// <summary>
    /// The communication template (<c>release-planning-announcement</c>, <c>outcome-cancelled</c>, ...) rendered from the
    /// release's state at send time; null sends <see cref="Subject"/> and <see cref="Text"/> as they are.
    /// </summary>
    public string? Template { get; init; }

    /// <summary>What the communication is (<c>feature-freeze</c>, <c>outcome</c>, ...) and why, for the template.</summary>
    public string? Description { get; init; }

    /// <summary>Facts the release's state does not hold: a cancellation's reason, the previous target date.</summary>
    public IReadOnlyDictionary<string, string>? Facts { get; init; }

    /// <summary>Chat and JSON webhook channels (<c>webhook:NAME</c> entries of the audiences) the notice is posted to.</summary>
    public IReadOnlyList<string>? Webhooks { get; init; }

    /// <summary>Attach the release notes (Markdown).</summary>
    public bool AttachNotes { get; init; }

    /// <summary>Attach an iCalendar invite for the production window (REQUEST, or CANCEL with <see cref="CancelInvite"/>).</summary>
    public bool AttachInvite { get; init; }

    /// <summary>The invite cancels the window (METHOD:CANCEL).</summary>
    public bool CancelInvite { get; init; }

    /// <summary>The invite's SEQUENCE: raised each time the window moves.</summary>
    public int InviteSequence { get; init; }

    /// <summary>
    /// The notice asks its readers for feedback (<see cref="Policy.CommunicationEvent.AskFeedback"/>): each reader gets it
    /// alone, with a link of their own (<see cref="NoticeFacts.FeedbackLink"/>).
    /// </summary>
    public bool AskFeedback { get; init; }

    /// <summary>The meeting invite the notice carries (a stakeholder meeting of the communication plan), if any.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public MeetingInvite? Meeting { get; init; }

    /// <summary>
    /// What makes this send one send (<see cref="SendOnce"/>): its attempts, and a second worker running one of them,
    /// send it once. Set per orchestration call (<c>ActivityCalls.SendReleaseNoticeAsync</c>); null means the notice id,
    /// so a notice sent outside an orchestration goes out once per release and id.
    /// </summary>
    public string? SendKey { get; init; }
}

/// <summary>
/// A stakeholder meeting's invite (<see cref="Policy.ReleaseMeeting"/>): one calendar event per release and meeting, its
/// SEQUENCE raised each time it moves or is cancelled (<see cref="Cancelled"/>: METHOD:CANCEL).
/// </summary>
/// <param name="PreviousStart">When a moved meeting was to start; null for a first invite.</param>
public sealed record MeetingInvite(string MeetingId, string Description, DateTimeOffset Start, DateTimeOffset End, int Sequence, bool Cancelled, DateTimeOffset? PreviousStart = null)
{
    /// <summary>Why it moved or was cancelled, for the reader.</summary>
    public string? Reason { get; init; }
}

/// <summary>Names of the facts a notice carries in <see cref="ReleaseNotice.Facts"/>.</summary>
public static class NoticeFacts
{
    public const string Reason = "reason";
    public const string PreviousTargetDate = "previousTargetDate";

    /// <summary>
    /// The target date the notice is about (yyyy-MM-dd), over the stored record's: a reschedule notice is sent by the
    /// communications orchestrator, which may run before the lifecycle has written the new date.
    /// </summary>
    public const string TargetDate = "targetDate";
    public const string Outcome = "outcome";

    /// <summary>
    /// When a notice sent late was due (ISO 8601, UTC): the release was requested after that time, and this was the most
    /// recent notice of its timeline already due (the composer marks it late).
    /// </summary>
    public const string LateDue = "lateDue";

    /// <summary>The item a notice asks its readers to confirm, or whose confirmation is missing (<see cref="Policy.CommunicationConfirmation.Item"/>).</summary>
    public const string ConfirmItem = "confirmItem";

    /// <summary>The reader's own feedback link, on the copy of a notice asking for feedback sent to that reader alone.</summary>
    public const string FeedbackLink = "feedbackLink";
}
