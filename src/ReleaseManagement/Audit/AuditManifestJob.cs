using Microsoft.Extensions.Logging;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Audit;

/// <summary>
/// The daily checkpoint of the whole audit trail (<see cref="AuditManifest"/>, job <c>AuditManifest</c>, schedule
/// <c>AuditManifestSchedule</c>): the latest checkpoint of every release and stream kept, sealed with the audit key and
/// written to the write-once checkpoint container. A release's own head is checkpointed after every append (so also when
/// it ends); this names the whole set once a day.
/// <para>
/// Incremental: a run starts from the newest manifest and re-reads the latest checkpoint only of the trails written to
/// since it, as the audit trail's index marks them (<see cref="AuditManifest.WrittenSinceAsync"/>: every month from
/// the month of the previous manifest's time less <see cref="AuditManifest.ClockMargin"/> to the current month, whole months, so a row
/// written just before the previous manifest or while it was taken is read again, and a gap of months is covered); every
/// other head is carried over from the previous manifest unchanged. A head re-read never goes back: a latest checkpoint
/// lower than (or rewritten at) the head the previous manifest names, or gone, leaves that head named, so the export
/// reports the trail against it. The full scan (a listing of every release's checkpoints and a read of each) is done when
/// there is no previous manifest, or when the newest one is not sealed with a key of this deployment (its heads are not
/// trusted).
/// </para>
/// <para>
/// Cost of a run: the newest manifest (a listing of the daily manifests and a download), two listings of the index per
/// month (one month; two on the first two days of a month; more after a gap), a listing and a download per trail written to in
/// those months, and the upload: bounded by a month's releases, not by the years kept. The manifest itself still grows:
/// it names every release ever kept (about 150 bytes each), downloaded once and uploaded once a run.
/// </para>
/// </summary>
public sealed partial class AuditManifestJob(IAuditCheckpoints checkpoints, IAuditActivity activity, AuditKeys keys, TimeProvider time, ILogger<AuditManifestJob> log)
{
    /// <summary>How many checkpoints are read at once.</summary>
    public const int Parallelism = 8;

    public async Task<AuditManifest> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var previous = await checkpoints.LatestManifestAsync(cancellationToken);
        if (previous is not null && !previous.IsSealedBy(keys))
        {
            LogPreviousNotSealed(log, previous.At, previous.KeyId);
            previous = null;
        }

        IReadOnlyList<AuditCheckpoint> heads;
        int read;
        if (previous is null)
        {
            var ids = await checkpoints.ReleaseIdsAsync(cancellationToken);
            heads = (await ReadLatestAsync(ids, cancellationToken)).OfType<AuditCheckpoint>().ToArray();
            read = ids.Count;
        }
        else
        {
            var written = await previous.WrittenSinceAsync(activity, now, cancellationToken);
            heads = await CarryOverAsync(previous, written, cancellationToken);
            read = written.Count;
        }

        var manifest = AuditManifest.Seal(time.GetUtcNow(), heads, keys);
        await checkpoints.RecordManifestAsync(manifest, cancellationToken);
        LogWritten(log, manifest.Heads.Count, manifest.Rows, manifest.At, read, previous?.At);
        return manifest;
    }

    /// <summary>The previous manifest's heads, with those of <paramref name="written"/> replaced by their latest checkpoint when it is ahead.</summary>
    private async Task<IReadOnlyList<AuditCheckpoint>> CarryOverAsync(AuditManifest previous, IReadOnlyList<string> written, CancellationToken cancellationToken)
    {
        var heads = previous.Heads.ToDictionary(h => h.ReleaseId, StringComparer.Ordinal);
        var latest = await ReadLatestAsync(written, cancellationToken);
        for (var i = 0; i < written.Count; i++)
        {
            var id = written[i];
            var old = heads.GetValueOrDefault(id);
            switch (latest[i])
            {
                case null when old is not null:
                    LogHeadKept(log, id, old.Count, previous.At, 0);
                    break;
                case null:
                    break; // a mark whose row was never written
                case { } head when old is null || head.Count > old.Count:
                    heads[id] = head;
                    break;
                case { } head when head.Count < old.Count || head.LastHash != old.LastHash:
                    LogHeadKept(log, id, old.Count, previous.At, head.Count);
                    break;
            }
        }

        return heads.Values.ToArray();
    }

    /// <summary>The latest checkpoint of each of <paramref name="ids"/> (null where none is kept), <see cref="Parallelism"/> at a time.</summary>
    private async Task<AuditCheckpoint?[]> ReadLatestAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var read = new AuditCheckpoint?[ids.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, ids.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (i, ct) => read[i] = await checkpoints.LatestAsync(ids[i], ct));
        return read;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit manifest written: {Releases} releases and streams, {Rows} rows, at {At}; {Read} trails read since the manifest of {Previous} (none: every trail)")]
    private static partial void LogWritten(ILogger logger, int releases, long rows, DateTimeOffset at, int read, DateTimeOffset? previous);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The newest audit manifest, of {At}, is not sealed with a key of this deployment (key id {KeyId}): its heads are not carried over, every trail is read")]
    private static partial void LogPreviousNotSealed(ILogger logger, DateTimeOffset at, string keyId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit trail {ReleaseId}: its latest checkpoint (row {Latest}, 0 for none) is not ahead of the head the manifest of {Previous} names (row {Count}): that head stays named, the export reports the trail against it")]
    private static partial void LogHeadKept(ILogger logger, string releaseId, long count, DateTimeOffset previous, long latest);
}
