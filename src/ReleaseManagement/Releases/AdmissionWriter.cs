using ReleaseManagement.Policy;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Releases;

/// <summary>
/// Applies the request-time cadence and conflict rules (<see cref="ReleaseAdmission"/>) through the release store: reads
/// the releases near a target date from the store's admission index (<see cref="IReleaseStore.NeighboursAsync"/>: the
/// partitions of the release's systems and of the months its rules cover, a bounded read whatever the number of stored
/// releases), and writes the <c>over-cadence</c> and <c>window-conflict</c> warnings on the release itself, once per request
/// or reschedule, as a <see cref="WarningChange"/> (like a notice that could not be sent): no timeline line and no standing
/// change, so the orchestrations' projections stay theirs. A new release's timeline line comes from its orchestration
/// (<see cref="ReleaseOrchestrationInput.AdmissionWarnings"/>).
/// <para>
/// The other releases of the window are not written to (that made a busy window cost O(N²) writes): a release's page
/// shows its conflicts as they stand when it is read (<see cref="CurrentWarningsAsync"/>, the same bounded read), so a
/// release that joins, moves away or ends shows up, or drops out, on the others' pages without a write to them.
/// </para>
/// </summary>
public sealed class AdmissionWriter(IReleaseStore store, ReleasePolicy policy)
{
    /// <summary>The stored releases the checks of <paramref name="release"/> need (<see cref="ReleaseAdmission.TargetRange"/>, its systems).</summary>
    public async Task<IReadOnlyList<ReleaseRecord>> NeighboursAsync(ReleaseRequest release, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(release);
        var (from, to) = ReleaseAdmission.TargetRange(policy, release);
        return await store.NeighboursAsync(release.Systems, from, to, cancellationToken);
    }

    /// <summary>
    /// Writes what an accepted <paramref name="check"/> says on the release: its own warnings (and, with
    /// <paramref name="replace"/>, clears the admission warnings it no longer has). One write at most; none when there is
    /// nothing to set or clear.
    /// </summary>
    public async Task WarnAsync(AdmissionCheck check, ReleaseRecord self, bool replace, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(self);
        var warnings = check.Warnings(now);
        var cleared = replace
            ? new[] { AdmissionWarnings.OverCadence, AdmissionWarnings.WindowConflict }.Where(c => warnings.All(w => w.Code != c)).ToArray()
            : [];
        cleared = cleared.Where(c => self.Warnings?.Any(w => w.Code == c) == true).ToArray();
        if (warnings.Count > 0 || cleared.Length > 0)
        {
            await store.ApplyAsync(new WarningChange(check.Release.Id, now, warnings, cleared), cancellationToken);
        }
    }

    /// <summary>
    /// The warnings of <paramref name="record"/> as its page shows them: the stored ones, with the <c>window-conflict</c>
    /// warning of an active release judged again against the releases in its window now (named as at its request, at most
    /// <see cref="AdmissionCheck.MaxNamed"/>; dated when it was first stored, else <paramref name="now"/>), or dropped when
    /// it no longer has any. A release the index already has at another date (a reschedule its orchestration has not written
    /// yet) is judged at that date. An ended release keeps what was stored.
    /// </summary>
    public async Task<IReadOnlyList<ReleaseWarning>?> CurrentWarningsAsync(ReleaseRecord record, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Status != ReleaseStatus.Active)
        {
            return record.Warnings;
        }

        // The index is ahead of the release row: a reschedule moves the release there before its orchestration writes the
        // new date, so the release is judged where the index has it (found in the range of its stored date).
        var request = record.Request;
        var neighbours = await NeighboursAsync(request, cancellationToken);
        if (neighbours.FirstOrDefault(n => n.Request.Id == request.Id) is { } indexed && indexed.Request.TargetDate != request.TargetDate)
        {
            request = request with { TargetDate = indexed.Request.TargetDate };
            neighbours = await NeighboursAsync(request, cancellationToken);
        }

        var conflicts = ReleaseConflicts.For(policy, request, neighbours);
        var stored = record.Warnings?.FirstOrDefault(w => w.Code == AdmissionWarnings.WindowConflict);
        var warnings = (record.Warnings ?? []).Where(w => w.Code != AdmissionWarnings.WindowConflict).ToList();
        if (conflicts.Count > 0)
        {
            warnings.Add(new ReleaseWarning(
                AdmissionWarnings.WindowConflict, AdmissionCheck.ConflictMessage(request, conflicts, PolicyTime.Zone(policy)), stored?.At ?? now));
        }

        return warnings.Count == 0 ? null : warnings.OrderBy(w => w.Code, StringComparer.Ordinal).ToArray();
    }
}
