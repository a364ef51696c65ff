namespace ReleaseManagement.Approvals;

/// <summary>Why an approval email was sent.</summary>
public enum ApprovalKind
{
    Request,
    Reminder,
    Escalation,
}

/// <summary>Where one emailed link stands.</summary>
public enum ApprovalRequestState
{
    /// <summary>The link works: its page can record a decision.</summary>
    Open,

    /// <summary>The link was used: a decision was recorded through it.</summary>
    Decided,

    /// <summary>The stage was decided or expired, or the link was replaced; the link no longer decides anything.</summary>
    Closed,
}

/// <summary>A person asked to decide a stage, by role (for example "technical-lead").</summary>
public sealed record ApproverRef(string Email, string Role);

/// <summary>
/// One emailed approval link (table <c>ApprovalRequests</c>), found by the SHA-256 of its token. The token itself is
/// never stored. <see cref="ETag"/> is the store's concurrency stamp (the table entity's ETag in Azure, not a column): state
/// changes are conditional on it.
/// </summary>
public sealed record ApprovalRequest(
    string TokenHash,
    string ReleaseId,
    string Stage,
    int Round,
    ApprovalKind Kind,
    string Approver,
    string Role,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    ApprovalRequestState State = ApprovalRequestState.Open,
    string? DecisionId = null,
    bool? Approved = null,
    string? DecidedBy = null,
    DateTimeOffset? DecidedAt = null,
    string? ClosedReason = null,
    string? ETag = null,
    string? OnBehalfOf = null)
{
    /// <summary>
    /// The idempotency key of the send: one email per release, stage, round, kind and approver asked (the owner, when the
    /// link went to their delegate: <see cref="OnBehalfOf"/>).
    /// </summary>
    public string SendKey => ApprovalRequestKeys.SendKey(Stage, Round, Kind, OnBehalfOf ?? Approver);

    public bool IsExpired(DateTimeOffset now) => now >= ExpiresAt;
}

public static class ApprovalRequestKeys
{
    /// <summary>
    /// Key of a send within a release: stage|round|kind|approver (approver lowercased and escaped, so the key holds no
    /// character a storage key forbids).
    /// </summary>
    public static string SendKey(string stage, int round, ApprovalKind kind, string approver) =>
        $"{StagePrefix(stage)}{round:D4}|{kind}|{Uri.EscapeDataString(approver.Trim().ToLowerInvariant())}";

    /// <summary>Every send key of a stage starts with this.</summary>
    public static string StagePrefix(string stage) => $"{stage}|";
}

/// <summary>
/// The mark left when a release's approval stage was decided or expired. From then on no decision on that stage is
/// accepted, whether through a link or the plain API: the first closure is kept.
/// </summary>
/// <param name="Skipped">The stage was skipped (pre-approved by the change category): the approval metrics count it as skipped.</param>
public sealed record ApprovalStageClosure(string ReleaseId, string Stage, string Reason, DateTimeOffset ClosedAt, bool Skipped = false);

/// <summary>A decision as recorded in table <c>ApprovalDecisions</c>: the audit trail of who decided what, when and from where.</summary>
public sealed record ApprovalDecisionRecord(
    string DecisionId,
    string ReleaseId,
    string Stage,
    bool Approved,
    string Approver,
    string? Role,
    string? Comment,
    DateTimeOffset DecidedAt,
    string Channel,
    string? ClientAddress,
    string? UserAgent,
    string? SignedInAs,
    string? OnBehalfOf = null,
    IReadOnlyList<string>? DelegatedRoles = null,
    IReadOnlyList<string>? ClaimedRoles = null)
{
    /// <summary>Who decided, in words: "X", or "X for Y" under a delegation.</summary>
    public string DecidedBy => DecisionNaming.Of(Approver, OnBehalfOf);

    /// <summary>The decision as raised to the release orchestration.</summary>
    public ApprovalDecision ToDecision() => new(DecisionId, Stage, Approved, Approver, Comment, DecidedAt, Role, OnBehalfOf, DelegatedRoles, ClaimedRoles);
}

/// <summary>How a decision reached the system.</summary>
public static class DecisionChannels
{
    public const string EmailLink = "email-link";
    public const string Api = "api";
}
