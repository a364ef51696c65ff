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
/// What each trail is checked against: its key (the chain) and, for its end, an anchor kept outside the table. A trail the
/// newest manifest names, when that manifest is sealed with a key of this deployment and the period index marks no row of
/// that trail since it (<see cref="AuditManifest.WrittenSinceAsync"/>), is whole as the manifest's head says: that head is
/// its anchor and its own checkpoints are not read. Any other trail (written to since, or not named, or no sealed manifest)
/// is checked against its latest checkpoint, and also against its head in the manifest when it has one.
/// </para>
/// <para>
/// Cost: a listing of the index per month of the period (and once per process a read of the backfill's mark), two
/// operations for the newest manifest (a listing of the manifests and a download), two listings per month since the
/// manifest (one month, or two just after a month's turn), and per trail read one query of its rows, plus a listing and a
/// download of its latest checkpoint when it was written to since the manifest (a trail of over 1,000 rows takes more
/// pages; the rows are read again when an append landed between them and its checkpoint), read <see cref="Parallelism"/>
/// at a time. A past quarter's trails are quiet since the daily manifest, so its export is about one query per trail.
/// </para>
/// </summary>
public sealed class AuditPeriodExport(IAuditActivity activity, IAuditTrail trail, IAuditCheckpoints checkpoints, AuditKeys keys, TimeProvider time)
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
        var sealedByKey = manifest?.IsSealedBy(keys);
        var heads = (manifest?.Heads ?? []).ToDictionary(h => h.ReleaseId, StringComparer.Ordinal);
        // The trails written to since a sealed manifest: their checkpoints are read; the others are anchored by their head.
        var writtenSince = sealedByKey is true
            ? (await manifest!.WrittenSinceAsync(activity, time.GetUtcNow(), cancellationToken)).ToHashSet(StringComparer.Ordinal)
            : null;
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
            async (i, ct) =>
            {
                var head = heads.GetValueOrDefault(ids[i]);
                read[i] = head is not null && writtenSince is not null && !writtenSince.Contains(ids[i])
                    ? await ReadQuietTrailAsync(ids[i], start, end, manifest!, head, ct)
                    : await ReadTrailAsync(ids[i], start, end, manifest, head, ct);
            });
        return new AuditPeriod(from, to, read.OfType<AuditPeriodRelease>().ToArray(), manifest, sealedByKey);
    }

    /// <summary>A trail quiet since the sealed manifest: its rows checked against its key and its head there.</summary>
    private async Task<AuditPeriodRelease?> ReadQuietTrailAsync(
        string id, DateTimeOffset start, DateTimeOffset end, AuditManifest manifest, AuditCheckpoint head, CancellationToken cancellationToken)
    {
        var rows = await trail.ReadAsync(id, cancellationToken);
        var verification = AgainstManifest(AuditChain.Verify(rows, keys, head), manifest);
        return InPeriod(id, rows, start, end, verification);
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
        if (verification.Verified && head is not null)
        {
            verification = AgainstManifest(AuditChain.Verify(rows, keys, head), manifest!);
        }

        return InPeriod(id, rows, start, end, verification);
    }

    private static AuditVerification AgainstManifest(AuditVerification verification, AuditManifest manifest) =>
        verification.Verified
            ? verification
            : verification with { Problem = $"{verification.Problem} (the whole trail's manifest of {AuditChain.Describe(manifest.At)} names this head)" };

    /// <summary>The trail's rows in the period with its check; null when it has none there and verifies.</summary>
    private static AuditPeriodRelease? InPeriod(string id, IReadOnlyList<AuditRecord> rows, DateTimeOffset start, DateTimeOffset end, AuditVerification verification)
    {
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
