using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api;

/// <summary>
/// Applies the request-time cadence and conflict rules (<see cref="ReleaseAdmission"/>) through the release store: reads
/// the releases near a target date (one narrow query), and writes the <c>over-cadence</c> and <c>window-conflict</c>
/// warnings with a timeline line on the release and on the releases it conflicts with. Shared by the create and the
/// reschedule handlers (and the cancel handler, which lifts the conflicts a cancelled release leaves behind).
/// </summary>
internal sealed class AdmissionWriter(IReleaseStore store, ReleasePolicy policy)
{
    /// <summary>
    /// Timeline lines written by the handlers are numbered from here (up to 2 999 999), apart from the orchestration's
    /// (from 1) and the communications' (from 1 000 000), so neither overwrites the other.
    /// </summary>
    public const int TimelineSequenceBase = 2_000_000;

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
        AdmissionCheck check, ReleasePhase phase, IReadOnlyList<ReleaseRecord> others, ReleaseRecord self, bool replace, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var warnings = check.Warnings(now);
        var cleared = replace
            ? new[] { AdmissionWarnings.OverCadence, AdmissionWarnings.WindowConflict }.Where(c => warnings.All(w => w.Code != c)).ToArray()
            : [];
        cleared = cleared.Where(c => self.Warnings?.Any(w => w.Code == c) == true).ToArray();
        if (warnings.Count > 0 || cleared.Length > 0)
        {
            var message = warnings.Count > 0
                ? string.Join(" ", warnings.Select(w => w.Message))
                : "No longer over the cadence or in a production window conflict.";
            await WriteAsync(check.Release.Id, phase, message, warnings, cleared, now, cancellationToken);
        }

        var all = others.Where(o => o.Request.Id != self.Request.Id).Append(self with { Request = check.Release }).ToArray();
        await ForEachAsync(check.ConflictingReleaseIds, (other, ct) =>
            RefreshConflictAsync(other, all, $"Production window conflict with {check.Release.Id}: ", now, ct), others, cancellationToken);
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
            RefreshConflictAsync(other, remaining, $"{leaving.Request.Id} left the production window: ", now, ct), others, cancellationToken);
    }

    /// <summary>The other releases' warnings are independent writes: a few at a time.</summary>
    private static Task ForEachAsync(
        IReadOnlyList<string> ids, Func<ReleaseRecord, CancellationToken, Task> write, IReadOnlyList<ReleaseRecord> others, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            ids.Select(id => others.First(o => o.Request.Id == id)),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (other, ct) => await write(other, ct));

    private async Task RefreshConflictAsync(ReleaseRecord release, IReadOnlyList<ReleaseRecord> all, string why, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var conflicts = ReleaseConflicts.For(policy, release.Request, all);
        if (conflicts.Count > 0)
        {
            var warning = new ReleaseWarning(AdmissionWarnings.WindowConflict, AdmissionCheck.ConflictMessage(release.Request, conflicts), now);
            await WriteAsync(release.Request.Id, release.Phase, why + warning.Message, [warning], [], now, cancellationToken);
        }
        else if (release.Warnings?.Any(w => w.Code == AdmissionWarnings.WindowConflict) == true)
        {
            await WriteAsync(release.Request.Id, release.Phase, why + "no production window conflict remains.", [], [AdmissionWarnings.WindowConflict], now, cancellationToken);
        }
    }

    private async Task WriteAsync(
        string releaseId, ReleasePhase phase, string message, IReadOnlyList<ReleaseWarning> warnings, IReadOnlyList<string> cleared, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Numbered by the time (milliseconds, cycling every ~16 minutes) so writing needs no read; lines sort by time anyway.
        var sequence = TimelineSequenceBase + (int)(now.ToUnixTimeMilliseconds() % 1_000_000);
        await store.ApplyAsync(
            new ReleaseStatusUpdate(
                releaseId, phase, ReleaseStatus.Active, message, now,
                Timeline: new TimelineEntry(sequence, now, phase, TimelineKinds.Warning, message),
                TimelineOnly: true,
                Warnings: warnings.Count > 0 ? warnings : null,
                ClearedWarnings: cleared.Count > 0 ? cleared : null),
            cancellationToken);
    }
}
