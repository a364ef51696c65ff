using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Events;

/// <summary>The release lifecycle transitions published to other systems.</summary>
public enum ReleaseLifecycleEventType
{
    ReleaseStarted,
    PhaseChanged,
    ReleaseCompleted,
    ReleaseRejected,
    ReleaseRolledBack,
    ReleaseFailed,
    ReleaseCancelled,
    ApprovalRequested,
    ApprovalGranted,
    ApprovalRejected,
    ApprovalExpired,
}

/// <summary>
/// A lifecycle transition of one release. CDEvents has no subject for releases or approvals, so each type is our own,
/// versioned in the CDEvents custom-event style: <c>dev.cdeventsx.releasefunctions-&lt;subject&gt;.&lt;predicate&gt;.&lt;version&gt;</c>.
/// </summary>
/// <param name="EventId">Unique per transition and stable across retries (an orchestration uses <c>context.NewGuid()</c>):
/// the Service Bus message id, so a retried publish is dropped by duplicate detection.</param>
/// <param name="Data">Details such as phase, status, reason, stage, approver.</param>
public sealed record ReleaseLifecycleEvent(
    string EventId,
    string ReleaseId,
    ReleaseLifecycleEventType Type,
    DateTimeOffset OccurredAt,
    IReadOnlyDictionary<string, string> Data)
{
    public const string TypePrefix = "dev.cdeventsx.releasefunctions-";
    public const string Version = "0.1.0";

    /// <summary>The versioned CloudEvents/CDEvents type of a transition.</summary>
    public static string CloudEventType(ReleaseLifecycleEventType type) => TypePrefix + type switch
    {
        ReleaseLifecycleEventType.ReleaseStarted => "release.started",
        ReleaseLifecycleEventType.PhaseChanged => "release.phasechanged",
        ReleaseLifecycleEventType.ReleaseCompleted => "release.completed",
        ReleaseLifecycleEventType.ReleaseRejected => "release.rejected",
        ReleaseLifecycleEventType.ReleaseRolledBack => "release.rolledback",
        ReleaseLifecycleEventType.ReleaseFailed => "release.failed",
        ReleaseLifecycleEventType.ReleaseCancelled => "release.cancelled",
        ReleaseLifecycleEventType.ApprovalRequested => "approval.requested",
        ReleaseLifecycleEventType.ApprovalGranted => "approval.granted",
        ReleaseLifecycleEventType.ApprovalRejected => "approval.rejected",
        ReleaseLifecycleEventType.ApprovalExpired => "approval.expired",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown lifecycle event type."),
    } + "." + Version;

    /// <summary>The CDEvents subject type: <c>releasefunctions-release</c> or <c>releasefunctions-approval</c>.</summary>
    public static string SubjectType(ReleaseLifecycleEventType type) =>
        type >= ReleaseLifecycleEventType.ApprovalRequested ? "releasefunctions-approval" : "releasefunctions-release";
}

/// <summary>The activity that publishes a lifecycle transition; idempotent through the event id.</summary>
public sealed partial class PublishReleaseEvent(IReleaseEventPublisher publisher, ILogger<PublishReleaseEvent> log)
{
    public const string Name = "PublishReleaseEvent";

    public async Task RunAsync(ReleaseLifecycleEvent evt, CancellationToken cancellationToken = default)
    {
        await publisher.PublishAsync(evt, cancellationToken);
        LogPublished(log, evt.Type, evt.ReleaseId, evt.EventId);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Published {EventType} for release {ReleaseId} as {EventId}")]
    private static partial void LogPublished(ILogger logger, ReleaseLifecycleEventType eventType, string releaseId, string eventId);
}

/// <summary>Registers the event activities with a Durable Task worker (the local host); the Functions app has a trigger.</summary>
public static class PipelineEventTasks
{
    public static DurableTaskRegistry AddPipelineEventTasks(this DurableTaskRegistry registry)
    {
        registry.AddActivity(PublishReleaseEvent.Name, sp => new PublishActivity(sp.GetRequiredService<PublishReleaseEvent>()));
        return registry;
    }

    private sealed class PublishActivity(PublishReleaseEvent activity) : TaskActivity<ReleaseLifecycleEvent, bool>
    {
        public override async Task<bool> RunAsync(TaskActivityContext context, ReleaseLifecycleEvent input)
        {
            await activity.RunAsync(input, CancellationToken.None);
            return true;
        }
    }
}
