using ReleaseManagement.Audit;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Activities;

/// <summary>
/// Writes the release's status projection, and the audit row of what the orchestration itself did (a deployment or
/// rollback requested or done, the outcome). Idempotent: the same update applied twice leaves the same row, and its audit
/// row is keyed by the timeline line's sequence, so a retry adds none. When the update ends the release (any status but
/// <see cref="ReleaseStatus.Active"/>), the <c>window-conflict</c> warnings it caused on other releases are lifted
/// (<see cref="AdmissionWriter.LiftEndedAsync"/>, the cancel's path; idempotent too).
/// </summary>
public sealed class RecordReleaseStatus(IReleaseStore store, IAuditTrail audit, AdmissionWriter admission)
{
    public async Task RunAsync(ReleaseStatusUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        await store.ApplyAsync(update, cancellationToken);
        if (AuditEntryOf(update) is { } entry)
        {
            await audit.AppendAsync(entry, cancellationToken);
        }

        if (update.Status != ReleaseStatus.Active && !update.TimelineOnly)
        {
            await admission.LiftEndedAsync(update.ReleaseId, update.At, cancellationToken);
        }
    }

    /// <summary>
    /// Several updates of one release in the order the orchestration made them (lifecycle version 3 writes the lines of a
    /// step in one activity), through <see cref="IReleaseStore.ApplyAllAsync"/>, then their audit rows in order.
    /// Idempotent as <see cref="RunAsync"/>: a retry applies them all again, in the same order.
    /// </summary>
    public async Task RunAllAsync(IReadOnlyList<ReleaseStatusUpdate> updates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(updates);
        await store.ApplyAllAsync(updates, cancellationToken);
        foreach (var entry in updates.Select(AuditEntryOf).OfType<AuditEntry>())
        {
            await audit.AppendAsync(entry, cancellationToken);
        }

        if (updates.LastOrDefault(u => u.Status != ReleaseStatus.Active && !u.TimelineOnly) is { } ended)
        {
            await admission.LiftEndedAsync(ended.ReleaseId, ended.At, cancellationToken);
        }
    }

    /// <summary>The audit entry of a status update whose timeline line is a deployment, a rollback or the outcome; else null.</summary>
    public static AuditEntry? AuditEntryOf(ReleaseStatusUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (update.Timeline is not { } line)
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

        var data = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["phase"] = update.Phase.ToString(),
            ["status"] = update.Status.ToString(),
        };
        if (update.Stage is { } stage)
        {
            data["stage"] = stage;
        }

        return new AuditEntry(
            update.ReleaseId, $"status:{line.Sequence}", action, AuditEntry.System, line.At, AuditChannels.Orchestration, line.Message, rule, Data: data);
    }
}
