using ReleaseManagement.Ports;

namespace ReleaseManagement.Audit;

/// <summary>
/// The auditor's export of a period (<c>GET /api/audit?from=&amp;to=</c>): the rows each release's and stream's trail got
/// in the period, each whole chain verified against its key, its latest checkpoint and the newest whole-trail manifest.
/// <para>
/// Which trails it reads: those the period index marks in the months the period overlaps (<see cref="IAuditActivity"/>,
/// marked before each row is written, in the write-once checkpoint container in Azure), and those whose head in the newest
/// manifest (<see cref="AuditManifest"/>) is in the period (its last row was). Nothing else: its storage operations depend
/// on the trails active in those months, not on the years of history. A trail whose rows were deleted keeps its marks, so
/// it is read and fails against its checkpoint or its head in the manifest. A trail is read whole (a release's trail is
/// bounded; the stream <c>_delegations</c> grows by a row per delegation).
/// </para>
/// <para>
/// Cost: a listing of the index per month of the period (and once per process a read of the backfill's mark), two
/// operations for the newest manifest (a listing of the manifests and a download), and per trail read three (a listing and
/// a download of its latest checkpoint, beside a query of its rows; more pages for a trail of over 1,000 rows, and the
/// query again when an append landed between them), read <see cref="Parallelism"/> at a time.
/// </para>
/// </summary>
public sealed class AuditPeriodExport(IAuditActivity activity, IAuditTrail trail, IAuditCheckpoints checkpoints, AuditKeys keys)
{
    /// <summary>How many trails are read at once.</summary>
    public const int Parallelism = 16;

    /// <summary>The export of <paramref name="from"/>..<paramref name="to"/> (UTC days, both included).</summary>
    public async Task<AuditPeriod> ReadAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(to, from);
        var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var newestManifest = checkpoints.LatestManifestAsync(cancellationToken);
        var marked = await activity.ReleaseIdsAsync(from, to, cancellationToken);
        var manifest = await newestManifest;
        var heads = (manifest?.Heads ?? []).ToDictionary(h => h.ReleaseId, StringComparer.Ordinal);
        // A head in the period: that trail's last row was in it. With the marks this also finds a trail whose marks are gone
        // (where the container's retention lapsed, or on storage without immutability) when the period held its last row.
        var ids = marked
            .Concat(heads.Values.Where(h => h.At >= start && h.At < end).Select(h => h.ReleaseId))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();
        var read = new AuditPeriodRelease?[ids.Length];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, ids.Length),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (i, ct) => read[i] = await ReadTrailAsync(ids[i], start, end, manifest, heads.GetValueOrDefault(ids[i]), ct));
        return new AuditPeriod(from, to, read.OfType<AuditPeriodRelease>().ToArray(), manifest, manifest?.IsSealedBy(keys));
    }

    /// <summary>One trail's rows in the period and its whole chain's check; null when it has no row there and verifies.</summary>
    private async Task<AuditPeriodRelease?> ReadTrailAsync(
        string id, DateTimeOffset start, DateTimeOffset end, AuditManifest? manifest, AuditCheckpoint? head, CancellationToken cancellationToken)
    {
        // The checkpoint and the rows are read at once (two round trips, not three in a row); a checkpoint that counts more
        // rows than were read saw an append the read did not (rows are written before their checkpoint), so the rows are read
        // again, once: a trail still short of its checkpoint then is one whose rows are gone, and fails as it should.
        var latest = checkpoints.LatestAsync(id, cancellationToken);
        var rows = await trail.ReadAsync(id, cancellationToken);
        var checkpoint = await latest;
        if (checkpoint is not null && checkpoint.Count > rows.Count)
        {
            rows = await trail.ReadAsync(id, cancellationToken);
        }

        var verification = AuditChain.Verify(rows, keys, checkpoint);
        if (verification.Verified && head is not null && AuditChain.Verify(rows, keys, head) is { Verified: false } againstManifest)
        {
            verification = againstManifest with { Problem = $"{againstManifest.Problem} (the whole trail's manifest of {AuditChain.Describe(manifest!.At)} names this head)" };
        }

        var inPeriod = rows.Where(r => r.Entry.At >= start && r.Entry.At < end).ToArray();
        return inPeriod.Length > 0 || !verification.Verified ? new AuditPeriodRelease(id, inPeriod, verification) : null;
    }
}

/// <summary>
/// An export of a period: the trails with rows in it or whose check failed, in id order, and the newest manifest with
/// whether its seal verified (null before the first manifest).
/// </summary>
public sealed record AuditPeriod(DateOnly From, DateOnly To, IReadOnlyList<AuditPeriodRelease> Releases, AuditManifest? Manifest, bool? ManifestSealed)
{
    /// <summary>Every listed trail verified, and so did the newest manifest's seal (when there is one).</summary>
    public bool Verified => Releases.All(r => r.Verification.Verified) && ManifestSealed is null or true;
}

/// <summary>A trail's rows in the period and the check of its whole chain.</summary>
public sealed record AuditPeriodRelease(string ReleaseId, IReadOnlyList<AuditRecord> Rows, AuditVerification Verification);
