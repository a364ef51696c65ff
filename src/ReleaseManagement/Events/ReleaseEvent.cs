namespace ReleaseManagement.Events;

/// <summary>
/// A transition of one release, published to other systems through the <c>PublishReleaseEvent</c> activity (not to be
/// confused with the <see cref="CanonicalEvent"/>s pipelines send in, nor with the events raised to the orchestration,
/// <see cref="ReleaseEventNames"/>). CDEvents has no subject for releases or approvals, so each type is our own, versioned in the CDEvents custom-event style: <c>dev.cdeventsx.releasefunctions-&lt;subject&gt;.&lt;predicate&gt;.&lt;version&gt;</c>.
/// </summary>
/// <param name="EventId">Unique per transition and stable across retries (an orchestration uses <c>context.NewGuid()</c>):
/// the Service Bus message id, so a retried publish is dropped by duplicate detection.</param>
/// <param name="Data">Details such as phase, status, reason, stage, approver.</param>
public sealed record ReleaseEvent(
    string EventId,
    string ReleaseId,
    ReleaseEventType Type,
    DateTimeOffset OccurredAt,
    IReadOnlyDictionary<string, string> Data)
{
    public const string TypePrefix = "dev.cdeventsx.releasefunctions-";

    /// <summary>The version suffix of this app's own event types (<c>...release.started.0.1.0</c>): not a CloudEvents or CDEvents spec version.</summary>
    public const string TypeVersion = "0.1.0";

    /// <summary>The versioned CloudEvents/CDEvents type of a transition.</summary>
    public static string CloudEventType(ReleaseEventType type) => TypePrefix + type switch
    {
        ReleaseEventType.ReleaseStarted => "release.started",
        ReleaseEventType.PhaseChanged => "release.phasechanged",
        ReleaseEventType.ReleaseCompleted => "release.completed",
        ReleaseEventType.ReleaseRejected => "release.rejected",
        ReleaseEventType.ReleaseRolledBack => "release.rolledback",
        ReleaseEventType.ReleaseFailed => "release.failed",
        ReleaseEventType.ReleaseCancelled => "release.cancelled",
        ReleaseEventType.ApprovalRequested => "approval.requested",
        ReleaseEventType.ApprovalGranted => "approval.granted",
        ReleaseEventType.ApprovalRejected => "approval.rejected",
        ReleaseEventType.ApprovalExpired => "approval.expired",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown release event type."),
    } + "." + TypeVersion;

    /// <summary>The CDEvents subject type: <c>releasefunctions-release</c> or <c>releasefunctions-approval</c>.</summary>
    public static string SubjectType(ReleaseEventType type) =>
        type >= ReleaseEventType.ApprovalRequested ? "releasefunctions-approval" : "releasefunctions-release";
}
