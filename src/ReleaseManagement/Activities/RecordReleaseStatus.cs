using System.Diagnostics;
using ReleaseManagement.Audit;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;
using ReleaseManagement.Telemetry;

namespace ReleaseManagement.Activities;

/// <summary>
/// Writes what an orchestration reports about its release (<see cref="ReleaseWrite"/>s in the order it made them: status
/// changes, timeline notes, warnings set or cleared) through <see cref="IReleaseStore.ApplyAllAsync"/>, then the audit rows
/// of what the lifecycle itself did (a deployment or rollback requested or done, the outcome). Idempotent: the same writes
/// applied again leave the same rows, and an audit row is keyed by its timeline line's sequence, so a retry adds none.
/// A status change that ends the release or moves its target date also updates the store's admission index
/// (<see cref="IReleaseStore.NeighboursAsync"/>), ahead of the release row, so the conflicts shown on the other releases of
/// its window drop it. Traced as <see cref="ReleaseTelemetry.Spans.ReleaseStatusWrite"/>: a child of the pipeline event's span
/// when a write carries one (<see cref="ReleaseWrite.TraceParent"/>), linked to the Durable Task activity's span.
/// </summary>
public sealed class RecordReleaseStatus(IReleaseStore store, IAuditTrail audit)
{
    public async Task RunAsync(IReadOnlyList<ReleaseWrite> writes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writes);
        var cause = writes.Select(w => w.TraceParent).FirstOrDefault(t => t is not null);
        var links = cause is not null && Activity.Current is { } durable ? new[] { new ActivityLink(durable.Context) } : null;
        using var span = ReleaseTelemetry.Source.StartActivity(
            ReleaseTelemetry.Spans.ReleaseStatusWrite, ActivityKind.Internal, ReleaseTelemetry.ParentOf(cause), links: links);
        span?.SetTag(ReleaseTelemetry.Tags.ReleaseId, writes.Count > 0 ? writes[0].ReleaseId : null);
        await store.ApplyAllAsync(writes, cancellationToken);
        foreach (var entry in writes.Select(AuditEntryOf).OfType<AuditEntry>())
        {
            await audit.AppendAsync(entry, cancellationToken);
        }
    }

    /// <summary>
    /// The audit entry of a lifecycle line (of a status change or a note) that is a deployment, a rollback or the outcome;
    /// else null.
    /// </summary>
    public static AuditEntry? AuditEntryOf(ReleaseWrite write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var (line, change) = write switch
        {
            ReleaseStatusChange c => (c.Line, c),
            TimelineNote n => (n.Line, (ReleaseStatusChange?)null),
            _ => (null, null),
        };
        if (line is null || line.Writer != TimelineWriters.Lifecycle)
        {
            return null;
        }

        var (action, rule) = line.Kind switch
        {
            TimelineKinds.Deployment => (AuditActions.Deployment, "promotion.route"),
            TimelineKinds.Rollback => (AuditActions.Rollback, "successCriteria"),
            TimelineKinds.Outcome => (AuditActions.Outcome, (string?)null),
            _ => (null, null),
        };
        if (action is null)
        {
            return null;
        }

        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        if ((change?.Phase ?? line.Phase) is { } phase)
        {
            data["phase"] = phase.ToString();
        }

        if (change is not null)
        {
            data["status"] = change.Status.ToString();
        }

        if (change?.Stage is { } stage)
        {
            data["stage"] = stage;
        }

        return new AuditEntry(
            write.ReleaseId, $"status:{line.Sequence}", action, AuditEntry.System, line.At, AuditChannels.Orchestration, line.Message, rule, Data: data);
    }
}
