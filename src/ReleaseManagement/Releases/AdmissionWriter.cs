using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Releases;

/// <summary>
/// Applies the request-time cadence and conflict rules (<see cref="ReleaseAdmission"/>) through the release store: reads
/// the releases near a target date (one narrow query), and writes the <c>over-cadence</c> and <c>window-conflict</c>
/// warnings on the release and on the releases it conflicts with, as <see cref="WarningChange"/>s (like a notice that could
/// not be sent): no timeline line and no standing change, so the orchestrations' projections stay theirs. A new release's
/// timeline line comes from its orchestration (<see cref="ReleaseOrchestrationInput.AdmissionWarnings"/>).
/// Shared by the create and the reschedule handlers, the cancel handler, which lifts the conflicts a cancelled
/// release leaves behind, and the status activity (<c>RecordReleaseStatus</c>), which lifts them when a release ends in any
/// other way (<see cref="LiftEndedAsync"/>). Every write is idempotent: a warning already stored with the same message is
/// not written again, so a retried activity or a cancel followed by its orchestration's end changes nothing more.
/// </summary>
public sealed class AdmissionWriter(IReleaseStore store, ReleasePolicy policy)
{
    /// <summary>The stored releases the checks of <paramref name="release"/> need (<see cref="ReleaseAdmission.TargetRange"/>).</summary>
    public async Task<IReadOnlyList<ReleaseRecord>> NeighboursAsync(ReleaseRequest release, CancellationToken cancellationToken)
    {
        var (from, to) = ReleaseAdmission.TargetRange(policy, release);
        return await store.ListAsync(new ReleaseQuery(Max: int.MaxValue, TargetFrom: from, TargetTo: to), cancellationToken);
    }

    /// <summary>
    /// Writes what an accepted <paramref name="check"/> says: the release's own warnings (and, with
    /// <paramref name="replace"/>, clears the admission warnings it no longer has), and a <c>window-conflict</c> warning
    /// on every release it conflicts with, naming all of that release's conflicts.
    /// </summary>
    public async Task WarnAsync(
        AdmissionCheck check, IReadOnlyList<ReleaseRecord> others, ReleaseRecord self, bool replace, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var warnings = check.Warnings(now);
        var cleared = replace
            ? new[] { AdmissionWarnings.OverCadence, AdmissionWarnings.WindowConflict }.Where(c => warnings.All(w => w.Code != c)).ToArray()
            : [];
        cleared = cleared.Where(c => self.Warnings?.Any(w => w.Code == c) == true).ToArray();
        if (warnings.Count > 0 || cleared.Length > 0)
        {
            await WriteAsync(check.Release.Id, warnings, cleared, now, cancellationToken);
        }

        var all = others.Where(o => o.Request.Id != self.Request.Id).Append(self with { Request = check.Release }).ToArray();
        await ForEachAsync(check.ConflictingReleaseIds, (other, ct) =>
            RefreshConflictAsync(other, all, now, ct), others, cancellationToken);
    }

    /// <summary>
    /// Lifts the conflicts <paramref name="leaving"/> had (it is cancelled, or moved to <paramref name="movedTo"/>): each
    /// release it conflicted with gets its <c>window-conflict</c> warning rewritten without it, or cleared.
    /// </summary>
    public async Task LiftConflictsAsync(ReleaseRecord leaving, IReadOnlyList<ReleaseRecord> others, DateOnly? movedTo, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var before = ReleaseConflicts.For(policy, leaving.Request, others).Select(c => c.OtherId).Distinct(StringComparer.Ordinal).ToArray();
        var remaining = others.Where(o => o.Request.Id != leaving.Request.Id).ToList();
        if (movedTo is { } date)
        {
            remaining.Add(leaving with { Request = leaving.Request with { TargetDate = date } });
        }

        await ForEachAsync(before, (other, ct) =>
            RefreshConflictAsync(other, remaining, now, ct), others, cancellationToken);
    }

    /// <summary>
    /// Lifts the conflicts of release <paramref name="releaseId"/> once it has ended (completed, rejected, rolled back,
    /// failed or cancelled — any status but <see cref="ReleaseStatus.Active"/> as stored): the same path as a cancel
    /// (<see cref="LiftConflictsAsync"/>). Nothing when the release is unknown or still active.
    /// </summary>
    public async Task LiftEndedAsync(string releaseId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(releaseId, cancellationToken) is not { Status: not ReleaseStatus.Active } ended)
        {
            return;
        }

        await LiftConflictsAsync(ended, await NeighboursAsync(ended.Request, cancellationToken), movedTo: null, now, cancellationToken);
    }

    /// <summary>The other releases' warnings are independent writes: a few at a time.</summary>
    private static Task ForEachAsync(
        IReadOnlyList<string> ids, Func<ReleaseRecord, CancellationToken, Task> write, IReadOnlyList<ReleaseRecord> others, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            ids.Select(id => others.First(o => o.Request.Id == id)),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (other, ct) => await write(other, ct));

    private async Task RefreshConflictAsync(ReleaseRecord release, IReadOnlyList<ReleaseRecord> all, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var conflicts = ReleaseConflicts.For(policy, release.Request, all);
        var stored = release.Warnings?.FirstOrDefault(w => w.Code == AdmissionWarnings.WindowConflict);
        if (conflicts.Count > 0)
        {
            var warning = new ReleaseWarning(AdmissionWarnings.WindowConflict, AdmissionCheck.ConflictMessage(release.Request, conflicts, PolicyTime.Zone(policy)), now);
            if (string.Equals(stored?.Message, warning.Message, StringComparison.Ordinal))
            {
                return;
            }

            await WriteAsync(release.Request.Id, [warning], [], now, cancellationToken);
        }
        else if (stored is not null)
        {
            await WriteAsync(release.Request.Id, [], [AdmissionWarnings.WindowConflict], now, cancellationToken);
        }
    }

    private Task WriteAsync(
        string releaseId, IReadOnlyList<ReleaseWarning> warnings, IReadOnlyList<string> cleared, DateTimeOffset now, CancellationToken cancellationToken) =>
        store.ApplyAsync(new WarningChange(releaseId, now, warnings, cleared), cancellationToken);
}
