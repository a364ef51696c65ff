using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using ReleaseManagement.Audit;
using ReleaseManagement.Azure.Audit;
using ReleaseManagement.Azure.Tables;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Tests;

/// <summary>
/// The period index of the audit trail (<see cref="BlobAuditActivity"/>) and the export of a period that reads through it
/// (<see cref="AuditPeriodExport"/>), against Azurite: a quarter's export costs the same storage operations with or without
/// years of releases before it, a tampered or deleted trail of the period is still reported, and trails written before the
/// index are backfilled once. Each test has an audit table and a checkpoint container of its own.
/// </summary>
public sealed class AuditPeriodIndexTests
{
    private static readonly AuditKeys Keys = AuditKeys.Single("test", Enumerable.Range(7, 32).Select(i => (byte)i).ToArray());
    private static readonly DateOnly QuarterStart = new(2027, 1, 1);
    private static readonly DateOnly QuarterEnd = new(2027, 3, 31);

    private readonly string _table = Azurite.UniqueName("audit");
    private readonly string _container = Azurite.UniqueName("checkpoints").ToLowerInvariant();

    /// <summary>The processes' clock: each row is written at its own time (as a live system writes it), the export reads at <see cref="Today"/>.</summary>
    private readonly SetTime _time = new(Today);

    /// <summary>When the exports are read: after the quarter, before the next quarter ends.</summary>
    private static readonly DateTimeOffset Today = new(2027, 4, 14, 9, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateTimeOffset At(int year, int month, int day) => new(year, month, day, 10, 0, 0, TimeSpan.Zero);

    /// <summary>The trail, checkpoints, index and export as a process composes them, with every storage request counted.</summary>
    private Storage Open(IAuditActivity? activityOverride = null)
    {
        var counter = new RequestCounter();
        var tableOptions = new TableClientOptions();
        tableOptions.AddPolicy(counter, HttpPipelinePosition.PerCall);
        var blobOptions = new BlobClientOptions();
        blobOptions.AddPolicy(counter, HttpPipelinePosition.PerCall);
        var tables = new TableServiceClient(Azurite.ConnectionString, tableOptions);
        var container = new BlobContainerClient(Azurite.ConnectionString, _container, blobOptions);
        var checkpoints = new BlobAuditCheckpoints(container);
        var activity = new BlobAuditActivity(container, tables, _table);
        var trail = new CheckpointedAuditTrail(new TableAuditTrail(tables, Keys, _table), checkpoints, activityOverride ?? activity, _time);
        return new Storage(trail, checkpoints, activity, new AuditPeriodExport(activity, trail, checkpoints, Keys, _time), counter);
    }

    /// <summary>A release with a row at each of <paramref name="times"/>, each written at its time; the clock back at <see cref="Today"/> after.</summary>
    private async Task<string> ReleaseAsync(IAuditTrail trail, params DateTimeOffset[] times)
    {
        var id = Azurite.UniqueName("rel-");
        await RowsAsync(trail, id, 0, times);
        return id;
    }

    private async Task RowsAsync(IAuditTrail trail, string id, int first, params DateTimeOffset[] times)
    {
        for (var i = 0; i < times.Length; i++)
        {
            _time.Now = times[i];
            await trail.AppendAsync(new AuditEntry(id, $"k{first + i}", AuditActions.Attestation, "rm@example.com", times[i], AuditChannels.Api, $"Row {first + i}"), Ct);
        }

        _time.Now = Today;
    }

    /// <summary>The daily job's manifest of every release's head, as it would be written at <paramref name="at"/>.</summary>
    private static async Task ManifestAsync(Storage s, DateTimeOffset at)
    {
        var heads = new List<AuditCheckpoint>();
        foreach (var id in await s.Checkpoints.ReleaseIdsAsync(Ct))
        {
            heads.Add((await s.Checkpoints.LatestAsync(id, Ct))!);
        }

        await s.Checkpoints.RecordManifestAsync(AuditManifest.Seal(at, heads, Keys), Ct);
    }

    /// <summary>The quarter's export on a fresh composition, warmed up by an export of another period (tables and containers created once).</summary>
    private async Task<(AuditPeriod Period, int Operations)> MeasuredQuarterAsync()
    {
        var s = await WarmAsync();
        var period = await s.Export.ReadAsync(QuarterStart, QuarterEnd, Ct);
        return (period, s.Counter.Requests);
    }

    /// <summary>A fresh composition warmed up by an export of another period (tables and containers created once), its counter reset.</summary>
    private async Task<Storage> WarmAsync()
    {
        var s = Open();
        await s.Export.ReadAsync(new DateOnly(2020, 1, 1), new DateOnly(2020, 1, 31), Ct);
        await s.Trail.ReadAsync(Azurite.UniqueName("rel-"), Ct);
        s.Counter.Reset();
        return s;
    }

    /// <summary>Row <paramref name="sequence"/> of <paramref name="id"/>'s trail edited in the table, as by someone without the key.</summary>
    private async Task ChangeRowAsync(string id, long sequence)
    {
        var raw = new TableClient(Azurite.ConnectionString, _table);
        var row = (await raw.GetEntityAsync<TableEntity>(id, TableAuditTrail.RowKey(sequence), cancellationToken: Ct)).Value;
        row["Summary"] = "Nothing happened here.";
        await raw.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, Ct);
    }

    private async Task DeleteRowsAsync(string id)
    {
        var table = new TableClient(Azurite.ConnectionString, _table);
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {id}"), cancellationToken: Ct))
        {
            await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, cancellationToken: Ct);
        }
    }

    [Fact]
    public async Task Export_QuarterWithYearsOfOlderReleases_CostsTheSameStorageOperationsAsWithNone()
    {
        var s = Open();
        var inQuarter = new[]
        {
            await ReleaseAsync(s.Trail, At(2026, 12, 20), At(2027, 1, 5)), // requested before, ended in the quarter
            await ReleaseAsync(s.Trail, At(2027, 2, 3), At(2027, 2, 17)),
            await ReleaseAsync(s.Trail, At(2027, 3, 30), At(2027, 4, 2)), // requested in the quarter, ended after
        };
        var after = await ReleaseAsync(s.Trail, At(2027, 4, 10));
        await ManifestAsync(s, At(2027, 4, 11));
        var (alone, aloneOps) = await MeasuredQuarterAsync();

        for (var i = 0; i < 24; i++)
        {
            var month = At(2025, 1, 1).AddMonths(i);
            await ReleaseAsync(s.Trail, month, month.AddDays(9));
        }

        await ManifestAsync(s, At(2027, 4, 12));
        var (withHistory, historyOps) = await MeasuredQuarterAsync();

        Assert.Equal(inQuarter.Order(StringComparer.Ordinal), alone.Releases.Select(r => r.ReleaseId));
        Assert.Equal(inQuarter.Order(StringComparer.Ordinal), withHistory.Releases.Select(r => r.ReleaseId));
        Assert.DoesNotContain(after, withHistory.Releases.Select(r => r.ReleaseId));
        Assert.True(withHistory.Verified);
        Assert.Equal(28, withHistory.Manifest!.Heads.Count);
        Assert.Equal([1, 2, 1], inQuarter.Select(id => withHistory.Releases.Single(r => r.ReleaseId == id).Rows.Count));
        // Three month listings, the newest manifest (a listing and a download), the marks since it (April's two listings),
        // per release of the quarter its rows (a query) and, for the one written to in April, its latest checkpoint (a
        // listing and a download); the two quiet since the manifest are anchored by their heads there. Nothing for the 24
        // releases before the quarter.
        Assert.Equal(3 + 2 + 2 + inQuarter.Length + 2, aloneOps);
        Assert.Equal(aloneOps, historyOps);
    }

    [Fact]
    public async Task Export_TrailOfTheQuarterTamperedOrDeleted_IsReportedBroken_AndABrokenOlderTrailInItsOwnPeriod()
    {
        var s = Open();
        var intact = await ReleaseAsync(s.Trail, At(2027, 1, 10), At(2027, 1, 11));
        var tampered = await ReleaseAsync(s.Trail, At(2027, 2, 10), At(2027, 2, 11), At(2027, 2, 12));
        var deleted = await ReleaseAsync(s.Trail, At(2027, 3, 10), At(2027, 3, 11));
        var older = await ReleaseAsync(s.Trail, At(2025, 5, 10), At(2025, 5, 11));
        await ChangeRowAsync(tampered, 2);
        await DeleteRowsAsync(deleted);
        await DeleteRowsAsync(older);

        var quarter = await Open().Export.ReadAsync(QuarterStart, QuarterEnd, Ct);
        var may2025 = await Open().Export.ReadAsync(new DateOnly(2025, 5, 1), new DateOnly(2025, 5, 31), Ct);

        Assert.False(quarter.Verified);
        Assert.Equal(new[] { intact, tampered, deleted }.Order(StringComparer.Ordinal), quarter.Releases.Select(r => r.ReleaseId));
        var byId = quarter.Releases.ToDictionary(r => r.ReleaseId);
        Assert.True(byId[intact].Verification.Verified);
        Assert.Equal((false, 2L), (byId[tampered].Verification.Verified, byId[tampered].Verification.FirstBrokenSequence));
        Assert.False(byId[deleted].Verification.Verified);
        Assert.Empty(byId[deleted].Rows);
        Assert.Contains("missing", byId[deleted].Verification.Problem, StringComparison.Ordinal);
        // The older broken trail is reported in the export of its own period, not read for this quarter's.
        var olderBroken = Assert.Single(may2025.Releases);
        Assert.Equal((older, false), (olderBroken.ReleaseId, olderBroken.Verification.Verified));
    }

    [Fact]
    public async Task Export_ReleaseWhoseRowsCheckpointsAndMarksAreAllGone_IsFoundThroughTheManifestWhenItsLastRowIsInThePeriod()
    {
        var s = Open();
        var gone = await ReleaseAsync(s.Trail, At(2027, 2, 1), At(2027, 2, 2));
        await ManifestAsync(s, At(2027, 2, 3));
        await DeleteRowsAsync(gone);
        var container = new BlobContainerClient(Azurite.ConnectionString, _container);
        foreach (var name in new[] { BlobAuditCheckpoints.BlobName(gone, 1), BlobAuditCheckpoints.BlobName(gone, 2), BlobAuditActivity.MarkName(gone, At(2027, 2, 1)) })
        {
            await container.DeleteBlobAsync(name, cancellationToken: Ct);
        }

        var fresh = Open();
        Assert.Empty(await fresh.Activity.ReleaseIdsAsync(QuarterStart, QuarterEnd, Ct));
        var quarter = await fresh.Export.ReadAsync(QuarterStart, QuarterEnd, Ct);

        var release = Assert.Single(quarter.Releases);
        Assert.Equal((gone, false), (release.ReleaseId, release.Verification.Verified));
        Assert.Contains("manifest", release.Verification.Problem, StringComparison.Ordinal);
        Assert.True(quarter.ManifestSealed);
    }

    [Fact]
    public async Task Export_TrailsQuietSinceTheManifest_AreCheckedAgainstTheirHeadsThere_ARowDeletedOrChangedIsReported()
    {
        var s = Open();
        var intact = await ReleaseAsync(s.Trail, At(2027, 1, 10), At(2027, 1, 11));
        var truncated = await ReleaseAsync(s.Trail, At(2027, 2, 1), At(2027, 2, 2), At(2027, 2, 3));
        var changed = await ReleaseAsync(s.Trail, At(2027, 2, 5), At(2027, 2, 6));
        await ManifestAsync(s, At(2027, 3, 10));
        await new TableClient(Azurite.ConnectionString, _table).DeleteEntityAsync(truncated, TableAuditTrail.RowKey(3), cancellationToken: Ct);
        await ChangeRowAsync(changed, 1);

        var fresh = await WarmAsync();
        var quarter = await fresh.Export.ReadAsync(QuarterStart, QuarterEnd, Ct);

        var byId = quarter.Releases.ToDictionary(r => r.ReleaseId);
        Assert.True(byId[intact].Verification.Verified);
        Assert.Equal((false, 3L), (byId[truncated].Verification.Verified, byId[truncated].Verification.FirstBrokenSequence));
        Assert.Contains("manifest", byId[truncated].Verification.Problem, StringComparison.Ordinal);
        Assert.Equal((false, 1L), (byId[changed].Verification.Verified, byId[changed].Verification.FirstBrokenSequence));
        Assert.False(quarter.Verified);
        // No trail was written to since the manifest (March and April have no marks): their checkpoints are not read. Three
        // month listings, the manifest (two), the marks since it (four listings: March and April), a query per trail.
        Assert.Equal(3 + 2 + 4 + 3, fresh.Counter.Requests);
    }

    [Fact]
    public async Task Export_RowAppendedAfterTheManifestThenDeleted_IsFoundAgainstTheTrailsCheckpoint()
    {
        var s = Open();
        var id = await ReleaseAsync(s.Trail, At(2027, 2, 1), At(2027, 2, 2));
        await ManifestAsync(s, At(2027, 3, 10));
        await RowsAsync(s.Trail, id, 2, At(2027, 3, 20));
        // The manifest names two rows; deleting the third leaves a trail that its head there would pass.
        await new TableClient(Azurite.ConnectionString, _table).DeleteEntityAsync(id, TableAuditTrail.RowKey(3), cancellationToken: Ct);

        var quarter = await Open().Export.ReadAsync(QuarterStart, QuarterEnd, Ct);

        var release = Assert.Single(quarter.Releases);
        Assert.Equal((id, false, 3L), (release.ReleaseId, release.Verification.Verified, release.Verification.FirstBrokenSequence));
        Assert.Contains("checkpoint", release.Verification.Problem, StringComparison.Ordinal);
        Assert.Equal(2, release.Rows.Count);
    }

    [Fact]
    public async Task Export_ManifestNotSealedWithTheDeploymentsKey_ReadsEveryTrailsCheckpoint()
    {
        var s = Open();
        var quiet = await ReleaseAsync(s.Trail, At(2027, 1, 10), At(2027, 1, 11));
        var heads = new[] { (await s.Checkpoints.LatestAsync(quiet, Ct))! };
        var otherKeys = AuditKeys.Single("other", Enumerable.Range(50, 32).Select(i => (byte)i).ToArray());
        await s.Checkpoints.RecordManifestAsync(AuditManifest.Seal(At(2027, 3, 10), heads, otherKeys), Ct);

        var fresh = await WarmAsync();
        var quarter = await fresh.Export.ReadAsync(QuarterStart, QuarterEnd, Ct);

        Assert.False(quarter.ManifestSealed);
        Assert.True(Assert.Single(quarter.Releases).Verification.Verified);
        // Three month listings, the manifest (two); no marks since it are listed (its heads are not trusted), and the
        // trail's checkpoint is read (a listing and a download) beside its rows.
        Assert.Equal(3 + 2 + 3, fresh.Counter.Requests);
    }

    [Fact]
    public async Task ReleaseIdsAsync_TrailsWrittenBeforeTheIndex_AreBackfilledOnceFromTheRowsAndTheCheckpoints()
    {
        var before = Open(activityOverride: new NoMarks()); // as the trail was written before the index: checkpoints, no marks
        var twoMonths = await ReleaseAsync(before.Trail, At(2027, 1, 20), At(2027, 2, 5));
        var lastYear = await ReleaseAsync(before.Trail, At(2026, 6, 1));
        var rowsGone = await ReleaseAsync(before.Trail, At(2027, 3, 1), At(2027, 3, 2));
        await DeleteRowsAsync(rowsGone);
        var container = new BlobContainerClient(Azurite.ConnectionString, _container);
        Assert.False((await container.GetBlobClient(BlobAuditActivity.BackfillMark).ExistsAsync(Ct)).Value);

        var s = Open();
        var quarter = await s.Activity.ReleaseIdsAsync(QuarterStart, QuarterEnd, Ct);
        var june = await s.Activity.ReleaseIdsAsync(new DateOnly(2026, 6, 1), new DateOnly(2026, 6, 30), Ct);
        var february = await s.Activity.ReleaseIdsAsync(new DateOnly(2027, 2, 1), new DateOnly(2027, 2, 28), Ct);
        var again = Open();
        await again.Activity.ReleaseIdsAsync(QuarterStart, QuarterEnd, Ct);
        var export = await Open().Export.ReadAsync(QuarterStart, QuarterEnd, Ct);

        Assert.Equal(new[] { twoMonths, rowsGone }.Order(StringComparer.Ordinal), quarter.Order(StringComparer.Ordinal));
        Assert.Equal(new[] { lastYear }, june);
        Assert.Equal(new[] { twoMonths }, february);
        Assert.True((await container.GetBlobClient(BlobAuditActivity.BackfillMark).ExistsAsync(Ct)).Value);
        // Another process finds the mark and does not scan again: the container, the mark, three month listings.
        Assert.Equal(2 + 3, again.Counter.Requests);
        Assert.False(Assert.Single(export.Releases, r => r.ReleaseId == rowsGone).Verification.Verified);
        Assert.DoesNotContain(BlobAuditActivity.Folder, await s.Checkpoints.ReleaseIdsAsync(Ct));
    }

    [Fact]
    public async Task AppendAsync_MarkNotWritten_WritesNoRow()
    {
        var s = Open(activityOverride: new FailingMarks());
        var id = Azurite.UniqueName("rel-");

        await Assert.ThrowsAsync<InvalidOperationException>(() => s.Trail.AppendAsync(
            new AuditEntry(id, "k0", AuditActions.Attestation, "rm@example.com", At(2027, 1, 5), AuditChannels.Api, "Row 0"), Ct));

        var rows = await new TableAuditTrail(new TableServiceClient(Azurite.ConnectionString), Keys, _table).ReadAsync(id, Ct);
        Assert.Empty(rows);
        Assert.Empty(await s.Checkpoints.ReleaseIdsAsync(Ct));
    }

    [Fact]
    public async Task Export_AppendLandsBetweenRowsAndCheckpoint_ReadsTheRowsAgainAndVerifies()
    {
        var s = Open();
        var id = await ReleaseAsync(s.Trail, At(2027, 2, 1), At(2027, 2, 2), At(2027, 2, 3));
        // The export reads a trail's rows and its checkpoint at once: here the rows' read comes back without the last row
        // (as if it ran just before that append), while the checkpoint counts it.
        var raced = new FirstReadShort(s.Trail, id);
        var export = new AuditPeriodExport(s.Activity, raced, s.Checkpoints, Keys, _time);

        var period = await export.ReadAsync(QuarterStart, QuarterEnd, Ct);

        var release = Assert.Single(period.Releases, r => r.ReleaseId == id);
        Assert.True(release.Verification.Verified, release.Verification.Problem);
        Assert.Equal(3, release.Rows.Count);
        Assert.Equal(2, raced.Reads);
    }

    /// <summary>A trail whose first read of <paramref name="releaseId"/> misses its last row (an append in flight).</summary>
    private sealed class FirstReadShort(IAuditTrail inner, string releaseId) : IAuditTrail
    {
        public int Reads { get; private set; }

        public Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default) => inner.AppendAsync(entry, cancellationToken);

        public async Task<IReadOnlyList<AuditRecord>> ReadAsync(string id, CancellationToken cancellationToken = default)
        {
            var rows = await inner.ReadAsync(id, cancellationToken);
            if (id != releaseId)
            {
                return rows;
            }

            return ++Reads == 1 ? rows.Take(rows.Count - 1).ToArray() : rows;
        }
    }

    private sealed record Storage(CheckpointedAuditTrail Trail, BlobAuditCheckpoints Checkpoints, BlobAuditActivity Activity, AuditPeriodExport Export, RequestCounter Counter);

    private sealed class NoMarks : IAuditActivity
    {
        public Task MarkAsync(string releaseId, DateTimeOffset at, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task<IReadOnlyList<string>> ReleaseIdsAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<string>>([]);
    }

    private sealed class FailingMarks : IAuditActivity
    {
        public Task MarkAsync(string releaseId, DateTimeOffset at, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("The index is not reachable.");

        public Task<IReadOnlyList<string>> ReleaseIdsAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<string>>([]);
    }
}
