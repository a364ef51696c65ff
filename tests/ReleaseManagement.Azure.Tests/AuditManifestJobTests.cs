using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using ReleaseManagement.Audit;
using ReleaseManagement.Azure.Audit;
using ReleaseManagement.Azure.Tables;

namespace ReleaseManagement.Azure.Tests;

/// <summary>
/// The daily whole-trail manifest (<see cref="AuditManifestJob"/>) on Azurite, incremental: a run starts from the previous
/// manifest and re-reads only the trails the audit index marks as written to since, so its storage operations are the same
/// with 5 or 200 older releases; new heads are taken, other heads carried over (also when their checkpoints are gone), a
/// head never goes back, a gap of months, a row written just before the previous manifest and a late row are covered, and
/// the first run (or one after a manifest not sealed with the key) reads every trail. Each test has its own table and container.
/// </summary>
public sealed class AuditManifestJobTests
{
    private static readonly AuditKeys Keys = AuditKeys.Single("test", Enumerable.Range(7, 32).Select(i => (byte)i).ToArray());

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateTimeOffset At(int year, int month, int day, int hour = 10, int minute = 0) => new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    /// <summary>The trail, checkpoints, index and job as a process composes them, on one clock, with every storage request counted.</summary>
    private static Storage Open()
    {
        var table = Azurite.UniqueName("audit");
        var containerName = Azurite.UniqueName("checkpoints").ToLowerInvariant();
        var counter = new RequestCounter();
        var tableOptions = new TableClientOptions();
        tableOptions.AddPolicy(counter, HttpPipelinePosition.PerCall);
        var blobOptions = new BlobClientOptions();
        blobOptions.AddPolicy(counter, HttpPipelinePosition.PerCall);
        var tables = new TableServiceClient(Azurite.ConnectionString, tableOptions);
        var container = new BlobContainerClient(Azurite.ConnectionString, containerName, blobOptions);
        var time = new SetTime(At(2027, 1, 1));
        var checkpoints = new BlobAuditCheckpoints(container);
        var activity = new BlobAuditActivity(container, tables, table);
        var trail = new CheckpointedAuditTrail(new TableAuditTrail(tables, Keys, table), checkpoints, activity, time);
        var job = new AuditManifestJob(checkpoints, activity, Keys, time, NullLogger<AuditManifestJob>.Instance);
        return new Storage(trail, checkpoints, activity, job, time, counter, table, new BlobContainerClient(Azurite.ConnectionString, containerName));
    }

    /// <summary>Rows on <paramref name="id"/> at each of <paramref name="times"/>, each written at its time.</summary>
    private static async Task<string> RowsAsync(Storage s, string id, params DateTimeOffset[] times)
    {
        foreach (var at in times)
        {
            s.Time.Now = at;
            await s.Trail.AppendAsync(new AuditEntry(id, Guid.NewGuid().ToString("N"), AuditActions.Attestation, "rm@example.com", at, AuditChannels.Api, "Row"), Ct);
        }

        return id;
    }

    private static Task<string> ReleaseAsync(Storage s, params DateTimeOffset[] times) => RowsAsync(s, Azurite.UniqueName("rel-"), times);

    private static async Task<AuditManifest> RunAtAsync(Storage s, DateTimeOffset at)
    {
        s.Time.Now = at;
        return await s.Job.RunAsync(Ct);
    }

    private static AuditCheckpoint Head(AuditManifest manifest, string id) => manifest.Heads.Single(h => h.ReleaseId == id);

    /// <summary>The storage operations of a run on the third day of a month with three trails written to since the day before, after <paramref name="older"/> releases of 2025.</summary>
    private static async Task<(int Operations, AuditManifest Manifest, string[] Active)> ThirdRunAsync(int older)
    {
        var s = Open();
        await Parallel.ForEachAsync(Enumerable.Range(0, older), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = Ct }, async (i, ct) =>
        {
            // An older release as its trail left it: the mark of its month and its latest checkpoint.
            var id = $"rel-older-{i:D4}";
            var at = At(2025, 1, 1).AddDays(i * 3);
            await s.Activity.MarkAsync(id, at, ct);
            await s.Checkpoints.RecordAsync(new AuditCheckpoint(id, 12, $"hash-{i}", at), ct);
        });
        var ongoing = await ReleaseAsync(s, At(2027, 2, 25), At(2027, 3, 1));
        await RunAtAsync(s, At(2027, 3, 4, 0, 30)); // the first run: every trail
        await RunAtAsync(s, At(2027, 3, 5, 0, 30));
        var active = new[] { await ReleaseAsync(s, At(2027, 3, 5, 9)), await ReleaseAsync(s, At(2027, 3, 5, 11), At(2027, 3, 5, 12)), await RowsAsync(s, ongoing, At(2027, 3, 5, 14)) };
        s.Counter.Reset();
        var manifest = await RunAtAsync(s, At(2027, 3, 6, 0, 30));
        return (s.Counter.Requests, manifest, active);
    }

    [Fact]
    public async Task RunAsync_FiveOrTwoHundredOlderReleasesWithoutActivity_CostsTheSameStorageOperations()
    {
        var (five, fiveManifest, fiveActive) = await ThirdRunAsync(5);
        var (twoHundred, twoHundredManifest, twoHundredActive) = await ThirdRunAsync(200);

        // The newest manifest (a listing and a download), the index of March (two listings), the latest checkpoint of each
        // of the three trails written to (a listing and a download) and the upload: nothing for the older releases.
        Assert.Equal(2 + 2 + (2 * 3) + 1, five);
        Assert.Equal(five, twoHundred);
        Assert.Equal((5 + 3, 200 + 3), (fiveManifest.Heads.Count, twoHundredManifest.Heads.Count));
        Assert.Equal([1L, 2L, 3L], fiveActive.Select(id => Head(fiveManifest, id).Count));
        Assert.Equal([1L, 2L, 3L], twoHundredActive.Select(id => Head(twoHundredManifest, id).Count));
        Assert.Equal(new AuditCheckpoint("rel-older-0199", 12, "hash-199", At(2025, 1, 1).AddDays(597)), Head(twoHundredManifest, "rel-older-0199"));
        Assert.True(twoHundredManifest.IsSealedBy(Keys));
    }

    [Fact]
    public async Task RunAsync_TrailWrittenToSinceThePreviousManifest_GetsItsNewHead_OthersKeepTheirs_EvenWithTheirCheckpointsGone()
    {
        var s = Open();
        var written = await ReleaseAsync(s, At(2027, 2, 10), At(2027, 2, 11));
        var quiet = await ReleaseAsync(s, At(2027, 2, 12));
        var erased = await ReleaseAsync(s, At(2027, 2, 13), At(2027, 2, 14));
        var rewritten = await ReleaseAsync(s, At(2027, 2, 15), At(2027, 2, 16));
        var first = await RunAtAsync(s, At(2027, 2, 20, 0, 30));
        await RowsAsync(s, written, At(2027, 3, 2));
        // On storage without immutability (Azurite): a trail erased with its checkpoints, and a trail whose last row and
        // checkpoint were deleted (with the head that names that row, so the trail chains after row 1 again) and a row
        // then written in their place (the same count, another hash).
        var table = new TableClient(Azurite.ConnectionString, s.Table);
        await table.DeleteEntityAsync(erased, TableAuditTrail.RowKey(1), cancellationToken: Ct);
        await table.DeleteEntityAsync(erased, TableAuditTrail.RowKey(2), cancellationToken: Ct);
        await s.Container.DeleteBlobAsync(BlobAuditCheckpoints.BlobName(erased, 1), cancellationToken: Ct);
        await s.Container.DeleteBlobAsync(BlobAuditCheckpoints.BlobName(erased, 2), cancellationToken: Ct);
        await table.DeleteEntityAsync(rewritten, TableAuditTrail.RowKey(2), cancellationToken: Ct);
        await table.DeleteEntityAsync(rewritten, TableAuditTrail.HeadRowKey, cancellationToken: Ct);
        await s.Container.DeleteBlobAsync(BlobAuditCheckpoints.BlobName(rewritten, 2), cancellationToken: Ct);
        await RowsAsync(s, rewritten, At(2027, 3, 2, 11));

        var next = await RunAtAsync(s, At(2027, 3, 3, 0, 30));

        Assert.Equal(3, Head(next, written).Count);
        Assert.Equal(await s.Checkpoints.LatestAsync(written, Ct), Head(next, written));
        Assert.Equal(Head(first, quiet), Head(next, quiet));
        Assert.Equal(Head(first, erased), Head(next, erased)); // a full scan would no longer name it
        Assert.Equal(Head(first, rewritten), Head(next, rewritten));
        Assert.NotEqual(Head(first, rewritten).LastHash, (await s.Checkpoints.LatestAsync(rewritten, Ct))!.LastHash);
        Assert.False(AuditChain.Verify(await s.Trail.ReadAsync(rewritten, Ct), Keys, Head(next, rewritten)).Verified);
        Assert.True(next.IsSealedBy(Keys));
        Assert.Equal(next, await s.Checkpoints.LatestManifestAsync(Ct), ManifestComparer.Instance);
    }

    [Fact]
    public async Task RunAsync_FirstRun_ReadsEveryTrailsLatestCheckpoint_MarkedOrNot()
    {
        var s = Open();
        var at = At(2027, 3, 1);
        await s.Container.CreateIfNotExistsAsync(cancellationToken: Ct);
        await s.Container.GetBlobClient(BlobAuditActivity.BackfillMark).UploadAsync(BinaryData.Empty, Ct); // no backfill: no marks at all
        var ids = Enumerable.Range(0, 4).Select(_ => Azurite.UniqueName("rel-")).ToArray();
        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            await s.Checkpoints.RecordAsync(new AuditCheckpoint(id, i + 1, $"hash-{i}", at), Ct);
        }

        var manifest = await RunAtAsync(s, At(2027, 3, 2, 0, 30));

        Assert.Empty(await s.Activity.ReleaseIdsWrittenAsync(new DateOnly(2027, 3, 1), new DateOnly(2027, 3, 31), Ct));
        Assert.Equal(ids.Order(StringComparer.Ordinal), manifest.Heads.Select(h => h.ReleaseId));
        Assert.Equal(1L + 2 + 3 + 4, manifest.Rows);
        Assert.True(manifest.IsSealedBy(Keys));
    }

    [Fact]
    public async Task RunAsync_NewestManifestNotSealedWithTheKey_IsNotCarriedOver_EveryTrailIsRead()
    {
        var s = Open();
        var real = await ReleaseAsync(s, At(2027, 1, 10), At(2027, 1, 11));
        await RunAtAsync(s, At(2027, 1, 12, 0, 30));
        var forger = AuditKeys.Single("other", Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
        await s.Checkpoints.RecordManifestAsync(AuditManifest.Seal(At(2027, 1, 12, 12), [new AuditCheckpoint("rel-invented", 1, "x", At(2027, 1, 1))], forger), Ct);

        var next = await RunAtAsync(s, At(2027, 1, 13, 0, 30));

        Assert.Equal([real], next.Heads.Select(h => h.ReleaseId));
        Assert.Equal(2, Head(next, real).Count);
        Assert.True(next.IsSealedBy(Keys));
    }

    [Fact]
    public async Task RunAsync_AfterAGapOfTwoMonths_ReadsTheMarksOfEveryMonthSince_AndRowsWrittenJustBeforeOrLate()
    {
        var s = Open();
        var january = await ReleaseAsync(s, At(2027, 1, 5));
        var justBefore = await ReleaseAsync(s, At(2027, 1, 6));
        var unchanged = await ReleaseAsync(s, At(2026, 11, 3), At(2026, 11, 4));
        var imported = await ReleaseAsync(s, At(2026, 6, 1));
        var first = await RunAtAsync(s, At(2027, 1, 10, 0, 30));

        // A row of 00:29 whose checkpoint the manifest of 00:30 did not see (an append in flight).
        s.Time.Now = At(2027, 1, 10, 0, 31);
        await s.Trail.AppendAsync(new AuditEntry(justBefore, "in-flight", AuditActions.Attestation, "rm@example.com", At(2027, 1, 10, 0, 29), AuditChannels.Api, "Row"), Ct);
        await RowsAsync(s, january, At(2027, 1, 20));
        var february = await ReleaseAsync(s, At(2027, 2, 15));
        var march = await ReleaseAsync(s, At(2027, 3, 2));
        // A late row, written in March for an event of June 2026 (an import): marked for March as written.
        s.Time.Now = At(2027, 3, 5);
        await s.Trail.AppendAsync(new AuditEntry(imported, "imported", AuditActions.Attestation, "pipeline", At(2026, 6, 2), AuditChannels.Webhook, "Row"), Ct);

        var next = await RunAtAsync(s, At(2027, 3, 10, 0, 30)); // no run in between

        Assert.Equal(
            new[] { (january, 2L), (justBefore, 2L), (unchanged, 2L), (imported, 2L), (february, 1L), (march, 1L) }.OrderBy(h => h.Item1, StringComparer.Ordinal),
            next.Heads.Select(h => (h.ReleaseId, h.Count)));
        Assert.Equal(Head(first, unchanged), Head(next, unchanged));
        foreach (var id in new[] { january, justBefore, imported, february, march })
        {
            Assert.Equal(await s.Checkpoints.LatestAsync(id, Ct), Head(next, id));
        }

        // The export of March does not read the imported trail (no row in March); the manifest did.
        Assert.DoesNotContain(imported, await s.Activity.ReleaseIdsAsync(new DateOnly(2027, 3, 1), new DateOnly(2027, 3, 31), Ct));
        Assert.Contains(imported, await s.Activity.ReleaseIdsWrittenAsync(new DateOnly(2027, 3, 1), new DateOnly(2027, 3, 31), Ct));
    }

    private sealed record Storage(
        CheckpointedAuditTrail Trail, BlobAuditCheckpoints Checkpoints, BlobAuditActivity Activity, AuditManifestJob Job, SetTime Time, RequestCounter Counter,
        string Table, BlobContainerClient Container);

    private sealed class ManifestComparer : IEqualityComparer<AuditManifest?>
    {
        public static readonly ManifestComparer Instance = new();

        public bool Equals(AuditManifest? x, AuditManifest? y) =>
            x is not null && y is not null && x.At == y.At && x.Mac == y.Mac && x.KeyId == y.KeyId && x.Heads.SequenceEqual(y.Heads);

        public int GetHashCode(AuditManifest? obj) => obj?.Mac.GetHashCode(StringComparison.Ordinal) ?? 0;
    }
}
