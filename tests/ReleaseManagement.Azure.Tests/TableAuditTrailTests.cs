using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using ReleaseManagement.Audit;
using ReleaseManagement.Azure.Storage;
using ReleaseManagement.Azure.Audit;
using ReleaseManagement.Azure.Tables;

namespace ReleaseManagement.Azure.Tests;

/// <summary>The audit trail on Azurite: append-only rows chained by hash, idempotent, safe under concurrency, tampering found.</summary>
public sealed class TableAuditTrailTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 9, 30, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly string _tableName = Azurite.UniqueName("audit");

    private static readonly AuditKeys Keys = AuditKeys.Single("test", Enumerable.Range(7, 32).Select(i => (byte)i).ToArray());

    private TableAuditTrail NewTrail() => new(StorageClients.FromConnectionString(Azurite.ConnectionString).Tables, Keys, _tableName);

    private TableClient Raw => new(Azurite.ConnectionString, _tableName);

    /// <summary>A trail (as a host holds one) whose storage requests, and the entities they return, are counted.</summary>
    private TableAuditTrail CountedTrail(RequestCounter counter)
    {
        var options = new TableClientOptions();
        options.AddPolicy(counter, HttpPipelinePosition.PerCall);
        return new TableAuditTrail(new TableServiceClient(Azurite.ConnectionString, options), Keys, _tableName);
    }

    private static AuditEntry Entry(string releaseId, string key, int minute = 0, string action = AuditActions.Attestation) => new(
        releaseId, key, action, "rm@example.com", T0.AddMinutes(minute), AuditChannels.Api, $"Row {key}", "qualityGates.Development.code-review",
        "rm@example.com", "203.0.113.7", new Dictionary<string, string> { ["item"] = "code-review", ["note"] = "fine" });

    private async Task<string> ReleaseWithRowsAsync(int count)
    {
        var trail = NewTrail();
        var id = Azurite.UniqueName("rel-");
        for (var i = 1; i <= count; i++)
        {
            await trail.AppendAsync(Entry(id, $"k{i}", i), Ct);
        }

        return id;
    }

    [Fact]
    public async Task AppendAsync_Rows_AreNumberedInOrderAndChained()
    {
        var id = await ReleaseWithRowsAsync(3);

        var rows = await NewTrail().ReadAsync(id, Ct);

        Assert.Equal([1L, 2L, 3L], rows.Select(r => r.Sequence));
        Assert.Equal(AuditChain.Genesis, rows[0].PreviousHash);
        Assert.All(rows, r => Assert.Equal("test", r.KeyId));
        Assert.Equal(rows[0].Hash, rows[1].PreviousHash);
        Assert.Equal(rows[1].Hash, rows[2].PreviousHash);
        Assert.Equal(AuditVerification.Intact, AuditChain.Verify(rows, Keys));
        Assert.Equal(Entry(id, "k2", 2) with { Data = null }, rows[1].Entry with { Data = null });
        Assert.Equal("fine", rows[1].Entry.Data!["note"]);
        var raw = await Raw.GetEntityAsync<TableEntity>(id, TableAuditTrail.RowKey(2), cancellationToken: Ct);
        Assert.Equal("0000000000000000002", raw.Value.RowKey);
    }

    [Fact]
    public async Task AppendAsync_SameEventKeyAgain_AddsNoRowAndReturnsTheFirst()
    {
        var trail = NewTrail();
        var id = Azurite.UniqueName("rel-");
        var first = await trail.AppendAsync(Entry(id, "decision:1"), Ct);

        var again = await trail.AppendAsync(Entry(id, "decision:1", minute: 5), Ct);

        Assert.Equal((first.Sequence, first.Hash, first.Entry.At), (again.Sequence, again.Hash, again.Entry.At));
        Assert.Single(await trail.ReadAsync(id, Ct));
    }

    [Fact]
    public async Task AppendAsync_ParallelAppends_MakeOneValidChainWithEveryRowOnce()
    {
        var id = Azurite.UniqueName("rel-");
        var keys = Enumerable.Range(1, 12).Select(i => $"k{i}").ToArray();

        // Separate trail instances (as separate hosts would be), each key appended twice (a retry racing its original).
        await Task.WhenAll(keys.Concat(keys).Select((k, i) => Task.Run(() => NewTrail().AppendAsync(Entry(id, k, i), Ct), Ct)));

        var rows = await NewTrail().ReadAsync(id, Ct);
        Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), rows.Select(r => r.Sequence));
        Assert.Equal(keys.Order(StringComparer.Ordinal), rows.Select(r => r.Entry.EventKey).Order(StringComparer.Ordinal));
        Assert.True(AuditChain.Verify(rows, Keys).Verified);
    }

    [Fact]
    public async Task Verify_RowEditedInStorage_IsDetectedAtThatRow()
    {
        var id = await ReleaseWithRowsAsync(4);
        var stored = (await Raw.GetEntityAsync<TableEntity>(id, TableAuditTrail.RowKey(3), cancellationToken: Ct)).Value;
        stored["By"] = "someone-else@example.com";
        await Raw.UpdateEntityAsync(stored, stored.ETag, TableUpdateMode.Replace, Ct);

        var verification = AuditChain.Verify(await NewTrail().ReadAsync(id, Ct), Keys);

        Assert.False(verification.Verified);
        Assert.Equal(3, verification.FirstBrokenSequence);
        Assert.Contains("changed", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_RowDeletedFromStorage_IsDetectedWhereItIsMissing()
    {
        var id = await ReleaseWithRowsAsync(4);
        await Raw.DeleteEntityAsync(id, TableAuditTrail.RowKey(2), cancellationToken: Ct);

        var verification = AuditChain.Verify(await NewTrail().ReadAsync(id, Ct), Keys);

        Assert.False(verification.Verified);
        Assert.Equal(2, verification.FirstBrokenSequence);
        Assert.Contains("missing", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_RowDeletedAndTheRestRenumbered_IsDetectedByTheBrokenLink()
    {
        var id = await ReleaseWithRowsAsync(3);
        var third = (await Raw.GetEntityAsync<TableEntity>(id, TableAuditTrail.RowKey(3), cancellationToken: Ct)).Value;
        await Raw.DeleteEntityAsync(id, TableAuditTrail.RowKey(2), cancellationToken: Ct);
        await Raw.DeleteEntityAsync(id, TableAuditTrail.RowKey(3), cancellationToken: Ct);
        var moved = new TableEntity(third) { RowKey = TableAuditTrail.RowKey(2), ["Sequence"] = 2L };
        await Raw.AddEntityAsync(moved, Ct);

        var verification = AuditChain.Verify(await NewTrail().ReadAsync(id, Ct), Keys);

        Assert.False(verification.Verified);
        Assert.Equal(2, verification.FirstBrokenSequence);
    }

    [Fact]
    public async Task AppendAsync_AtRow5AndAtRow200_CostsTheSameStorageOperationsAndRowsRead()
    {
        var counter = new RequestCounter();
        var trail = CountedTrail(counter); // one host appending throughout
        var id = Azurite.UniqueName("rel-");
        var costs = new Dictionary<int, (int Requests, int Entities)>();
        var otherHost = new Dictionary<int, (int Requests, int Entities)>();
        await trail.ReadAsync(id, Ct); // creates the table
        for (var i = 1; i <= 200; i++)
        {
            var appender = i is 5 or 200 ? CountedTrail(counter) : trail;
            await appender.ReadAsync(id, Ct);
            counter.Reset();
            await appender.AppendAsync(Entry(id, $"k{i}", i), Ct);
            (i is 5 or 200 ? otherHost : costs)[i] = (counter.Requests, counter.Entities);
        }

        counter.Reset();
        var retried = await trail.AppendAsync(Entry(id, "k5", minute: 999), Ct);
        var retry = (counter.Requests, counter.Entities);

        // The head (its row confirmed by a read unless this instance wrote that head), then one transaction (row, event-key row, head).
        Assert.Equal((2, 1), costs[4]);
        Assert.Equal(costs[4], costs[199]);
        Assert.Equal((3, 2), otherHost[5]);
        Assert.Equal(otherHost[5], otherHost[200]);
        Assert.Equal((3, 0), costs[1]); // a new trail: no head, an empty partition
        // A retry: the head (written by the other host, so its row is read), the transaction refused on the event key, the
        // event key's row and the audit row it names.
        Assert.Equal((5L, 5, 4), (retried.Sequence, retry.Requests, retry.Entities));
        var rows = await trail.ReadAsync(id, Ct);
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), rows.Select(r => r.Sequence));
        Assert.True(AuditChain.Verify(rows, Keys).Verified);
    }

    [Fact]
    public async Task AppendAsync_RetriedAfterLaterRows_ReturnsTheSameRecordAndAddsNoRow()
    {
        var id = await ReleaseWithRowsAsync(4);
        var first = (await NewTrail().ReadAsync(id, Ct))[1];

        var again = await NewTrail().AppendAsync(Entry(id, "k2", minute: 30, action: AuditActions.Decision), Ct);

        Assert.Equal((first.Sequence, first.Hash, first.Entry.At, first.Entry.Action), (again.Sequence, again.Hash, again.Entry.At, again.Entry.Action));
        Assert.Equal([1L, 2L, 3L, 4L], (await NewTrail().ReadAsync(id, Ct)).Select(r => r.Sequence));
    }

    [Fact]
    public async Task AppendAsync_TwentyAtOnceOnOneRelease_MakeAGaplessChainThatVerifies()
    {
        var id = Azurite.UniqueName("rel-");
        await NewTrail().AppendAsync(Entry(id, "k0"), Ct);
        var keys = Enumerable.Range(1, 20).Select(i => $"k{i}").ToArray();

        var appended = await Task.WhenAll(keys.Select((k, i) => Task.Run(() => NewTrail().AppendAsync(Entry(id, k, i), Ct), Ct)));

        var rows = await NewTrail().ReadAsync(id, Ct);
        Assert.Equal(Enumerable.Range(1, 21).Select(i => (long)i), rows.Select(r => r.Sequence));
        Assert.Equal(appended.OrderBy(r => r.Sequence).Select(r => (r.Sequence, r.Hash)), rows.Skip(1).Select(r => (r.Sequence, r.Hash)));
        Assert.True(AuditChain.Verify(rows, Keys).Verified);
        var head = (await Raw.GetEntityAsync<TableEntity>(id, TableAuditTrail.HeadRowKey, cancellationToken: Ct)).Value;
        Assert.Equal((21L, rows[^1].Hash), (head.GetInt64("Sequence"), head.GetString("Hash")));
    }

    [Fact]
    public async Task AppendAsync_TrailWrittenBeforeHeads_IsIndexedOnceThenAppendedAndRetriesFound()
    {
        var id = await ReleaseWithRowsAsync(5);
        await foreach (var e in Raw.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {id}"), cancellationToken: Ct))
        {
            if (!TableAuditTrail.IsAuditRowKey(e.RowKey))
            {
                await Raw.DeleteEntityAsync(e.PartitionKey, e.RowKey, cancellationToken: Ct); // as the rows alone were written
            }
        }

        var counter = new RequestCounter();
        var trail = CountedTrail(counter);
        var sixth = await trail.AppendAsync(Entry(id, "k6", 6), Ct);
        counter.Reset();
        var seventh = await trail.AppendAsync(Entry(id, "k7", 7), Ct);
        var afterwards = counter.Requests;
        var retried = await trail.AppendAsync(Entry(id, "k3", 30), Ct);

        var rows = await trail.ReadAsync(id, Ct);
        Assert.Equal((6L, 7L, 2), (sixth.Sequence, seventh.Sequence, afterwards));
        Assert.Equal((rows[2].Sequence, rows[2].Hash), (retried.Sequence, retried.Hash));
        Assert.Equal(Enumerable.Range(1, 7).Select(i => (long)i), rows.Select(r => r.Sequence));
        Assert.True(AuditChain.Verify(rows, Keys).Verified);
    }

    [Fact]
    public async Task AppendAsync_RetriedAfterItsRowWasDeleted_FailsNamingTheTamperingAndAddsNoRow()
    {
        var id = await ReleaseWithRowsAsync(3);
        await Raw.DeleteEntityAsync(id, TableAuditTrail.RowKey(2), cancellationToken: Ct);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => NewTrail().AppendAsync(Entry(id, "k2", 2), Ct));

        Assert.Contains("tampered", failure.Message, StringComparison.Ordinal);
        Assert.Equal([1L, 3L], (await NewTrail().ReadAsync(id, Ct)).Select(r => r.Sequence));
    }

    [Theory]
    [InlineData(2L)] // behind: the next sequence is taken
    [InlineData(9L)] // ahead: a row that does not exist
    [InlineData(4L)] // on the last row, with another hash
    public async Task AppendAsync_HeadTampered_NeitherForksNorLeavesAGap(long headSequence)
    {
        var trail = NewTrail(); // the instance that wrote the head: a changed head is not taken as its own
        var id = Azurite.UniqueName("rel-");
        for (var i = 1; i <= 4; i++)
        {
            await trail.AppendAsync(Entry(id, $"k{i}", i), Ct);
        }

        var head = (await Raw.GetEntityAsync<TableEntity>(id, TableAuditTrail.HeadRowKey, cancellationToken: Ct)).Value;
        head["Sequence"] = headSequence;
        head["Hash"] = headSequence == 4 ? new string('f', 64) : (await NewTrail().ReadAsync(id, Ct)).ElementAtOrDefault((int)headSequence - 1)?.Hash ?? new string('e', 64);
        await Raw.UpdateEntityAsync(head, head.ETag, TableUpdateMode.Replace, Ct);

        var fifth = await trail.AppendAsync(Entry(id, "k5", 5), Ct);
        var sixth = await trail.AppendAsync(Entry(id, "k6", 6), Ct);

        var rows = await NewTrail().ReadAsync(id, Ct);
        Assert.Equal((5L, 6L), (fifth.Sequence, sixth.Sequence));
        Assert.Equal(Enumerable.Range(1, 6).Select(i => (long)i), rows.Select(r => r.Sequence));
        Assert.Equal(rows[3].Hash, fifth.PreviousHash);
        Assert.True(AuditChain.Verify(rows, Keys).Verified);
    }

    [Fact]
    public async Task ReadAsync_PartitionWithHeadAndEventKeyRows_ReturnsTheAuditRowsOnly()
    {
        var id = await ReleaseWithRowsAsync(3);
        var all = new List<string>();
        await foreach (var e in Raw.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {id}"), cancellationToken: Ct))
        {
            all.Add(e.RowKey);
        }

        var rows = await NewTrail().ReadAsync(id, Ct);

        Assert.Equal(7, all.Count); // 3 rows, 3 event keys, the head
        Assert.Contains(TableAuditTrail.EventKeyRowKey("k2"), all);
        Assert.Equal("key|a%2Fb%3Fc", TableAuditTrail.EventKeyRowKey("a/b?c"));
        Assert.StartsWith("keyh|", TableAuditTrail.EventKeyRowKey(new string('x', 500)), StringComparison.Ordinal);
        Assert.Equal([1L, 2L, 3L], rows.Select(r => r.Sequence));
    }

    [Fact]
    public async Task AppendAsync_DataLongerThanAProperty_IsSplitAndReadBackWhole()
    {
        var trail = NewTrail();
        var id = Azurite.UniqueName("rel-");
        var policy = new string('p', 70_000);

        await trail.AppendAsync(Entry(id, "policy") with { Data = new Dictionary<string, string> { ["policy"] = policy } }, Ct);

        var row = Assert.Single(await trail.ReadAsync(id, Ct));
        Assert.Equal(policy, row.Entry.Data!["policy"]);
        Assert.True(AuditChain.Verify([row], Keys).Verified);
    }
}

/// <summary>Audit checkpoints as write-once blobs on Azurite, and the truncation they reveal.</summary>
public sealed class BlobAuditCheckpointsTests
{
    private static readonly AuditKeys Keys = AuditKeys.Single("test", Enumerable.Range(7, 32).Select(i => (byte)i).ToArray());

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly string _tableName = Azurite.UniqueName("audit");

    private readonly global::Azure.Storage.Blobs.BlobContainerClient _container = new(Azurite.ConnectionString, Azurite.UniqueName("checkpoints").ToLowerInvariant());

    private readonly BlobAuditCheckpoints _checkpoints;

    public BlobAuditCheckpointsTests() => _checkpoints = new(_container);

    private CheckpointedAuditTrail NewTrail() => new(
        new TableAuditTrail(StorageClients.FromConnectionString(Azurite.ConnectionString).Tables, Keys, _tableName),
        _checkpoints,
        new BlobAuditActivity(_container, StorageClients.FromConnectionString(Azurite.ConnectionString).Tables, _tableName));

    private static AuditEntry Entry(string releaseId, string key) => new(
        releaseId, key, AuditActions.Attestation, "rm@example.com", new DateTimeOffset(2026, 11, 27, 9, 30, 0, TimeSpan.Zero), AuditChannels.Api, $"Row {key}");

    [Fact]
    public async Task RecordAsync_SameCountTwice_KeepsTheFirstAndLatestIsTheHighestCount()
    {
        var id = Azurite.UniqueName("rel-");
        var at = DateTimeOffset.UnixEpoch;

        await _checkpoints.RecordAsync(new AuditCheckpoint(id, 2, "two", at), Ct);
        await _checkpoints.RecordAsync(new AuditCheckpoint(id, 10, "ten", at), Ct);
        await _checkpoints.RecordAsync(new AuditCheckpoint(id, 10, "forged", at), Ct);
        await _checkpoints.RecordAsync(new AuditCheckpoint(id + "x", 99, "other release", at), Ct);

        Assert.Equal(new AuditCheckpoint(id, 10, "ten", at), await _checkpoints.LatestAsync(id, Ct));
        Assert.Null(await _checkpoints.LatestAsync(Azurite.UniqueName("none-"), Ct));
    }

    [Fact]
    public async Task Verify_LastRowDeletedFromTheTable_IsFoundByTheCheckpoint()
    {
        var trail = NewTrail();
        var id = Azurite.UniqueName("rel-");
        for (var i = 1; i <= 3; i++)
        {
            await trail.AppendAsync(Entry(id, $"k{i}"), Ct);
        }

        await trail.AppendAsync(Entry(id, "k2"), Ct); // a retried append: no new row, the same checkpoint again
        await new TableClient(Azurite.ConnectionString, _tableName).DeleteEntityAsync(id, TableAuditTrail.RowKey(3), cancellationToken: Ct);
        var rows = await trail.ReadAsync(id, Ct);

        Assert.True(AuditChain.Verify(rows, Keys).Verified);
        var verification = AuditChain.Verify(rows, Keys, await _checkpoints.LatestAsync(id, Ct));
        Assert.Equal((false, 3L), (verification.Verified, verification.FirstBrokenSequence));
        Assert.Contains("Row 3 is missing", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditManifestJob_NamesEveryReleasesLatestCheckpoint_SealedAndKept_NotListedAsARelease()
    {
        var first = Azurite.UniqueName("rel-");
        var second = Azurite.UniqueName("rel-");
        var at = new DateTimeOffset(2026, 12, 7, 0, 30, 0, TimeSpan.Zero);
        await _checkpoints.RecordAsync(new AuditCheckpoint(first, 1, "one", at.AddHours(-2)), Ct);
        await _checkpoints.RecordAsync(new AuditCheckpoint(first, 4, "four", at.AddHours(-1)), Ct);
        await _checkpoints.RecordAsync(new AuditCheckpoint(second, 2, "two", at.AddHours(-1)), Ct);
        Assert.Null(await _checkpoints.LatestManifestAsync(Ct));
        var time = new SetTime(at);
        var activity = new BlobAuditActivity(_container, StorageClients.FromConnectionString(Azurite.ConnectionString).Tables, _tableName);
        var job = new AuditManifestJob(_checkpoints, activity, Keys, time, Microsoft.Extensions.Logging.Abstractions.NullLogger<AuditManifestJob>.Instance);

        var written = await job.RunAsync(Ct);
        time.Now = at.AddDays(1);
        await activity.MarkAsync(first, time.GetUtcNow(), Ct); // as CheckpointedAuditTrail marks before each row
        await _checkpoints.RecordAsync(new AuditCheckpoint(first, 5, "five", time.GetUtcNow()), Ct);
        var next = await job.RunAsync(Ct);

        Assert.Equal(
            new[] { (first, 4L, "four"), (second, 2L, "two") }.OrderBy(h => h.Item1, StringComparer.Ordinal),
            written.Heads.Select(h => (h.ReleaseId, h.Count, h.LastHash)));
        var latest = await _checkpoints.LatestManifestAsync(Ct);
        Assert.NotNull(latest);
        Assert.Equal((next.At, 7L), (latest.At, latest.Rows));
        Assert.True(latest.IsSealedBy(Keys));
        Assert.Equal(new[] { first, second }.Order(StringComparer.Ordinal), (await _checkpoints.ReleaseIdsAsync(Ct)).Order(StringComparer.Ordinal));
    }
}
