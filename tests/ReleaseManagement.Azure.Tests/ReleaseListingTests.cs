using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using ReleaseManagement.Azure.Metrics;
using ReleaseManagement.Azure.Tables;
using ReleaseManagement.Releases;
using StatusWrites = ReleaseFunctions.TestSupport.StatusWrites;

namespace ReleaseManagement.Azure.Tests;

/// <summary>
/// The listing partitions of <see cref="TableReleaseStore"/> (TableReleaseStore.Listing.cs) against Azurite: the active,
/// target-month and ended rows follow a release's creation, reschedule and end; the backfill of releases stored before
/// them; and each listing's storage operations and rows read, the same with 5 or 200 releases of other months that ended
/// long ago. Tests that read a whole partition use an index table of their own, marked as backfilled so that it holds
/// their releases only.
/// </summary>
public sealed class ReleaseListingTests
{
    private static readonly DateTimeOffset Now = new(2027, 3, 10, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly March = new(2027, 3, 16);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ReleaseRecord Record(string id, DateOnly target, DateTimeOffset created, string system = "Billing", ReleaseStatus status = ReleaseStatus.Active,
        DateTimeOffset? updated = null, ReleasePhase phase = ReleasePhase.Development) => new(
        new ReleaseRequest(id, "Release " + id, ReleaseType.Minor, [system], target, "rm@example.com"),
        created, status == ReleaseStatus.Active ? phase : ReleasePhase.Closed, status, "Standing.", updated ?? created);

    private static TableServiceClient Service(RequestCounter? counter = null)
    {
        var options = new TableClientOptions();
        if (counter is not null)
        {
            options.AddPolicy(counter, HttpPipelinePosition.PerCall);
        }

        return new TableServiceClient(Azurite.ConnectionString, options);
    }

    /// <summary>An index table of the test's own, marked as backfilled (else its first use would index every release of the shared table).</summary>
    private static async Task<string> OwnIndexAsync()
    {
        var name = Azurite.UniqueName("ReleaseListing");
        var table = new TableClient(Azurite.ConnectionString, name);
        await table.CreateIfNotExistsAsync(Ct);
        foreach (var mark in new[] { TableReleaseStore.BackfillMark, TableReleaseStore.ListingMark })
        {
            await table.UpsertEntityAsync(new TableEntity(TableReleaseStore.IndexMetaPartition, mark), cancellationToken: Ct);
        }

        return name;
    }

    private static async Task<TableEntity[]> RowsAsync(string index, string partition)
    {
        var rows = new List<TableEntity>();
        var client = new TableClient(Azurite.ConnectionString, index);
        await foreach (var row in client.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), cancellationToken: Ct))
        {
            rows.Add(row);
        }

        return rows.ToArray();
    }

    [Fact]
    public async Task TryCreateAsync_ActiveRelease_IsInTheActivePartitionAndItsTargetMonth()
    {
        var (index, id) = (await OwnIndexAsync(), Azurite.UniqueName("rel-"));
        var store = new TableReleaseStore(Service(), index, new SetTime(Now));

        Assert.True(await store.TryCreateAsync(Record(id, March, Now.AddDays(-3)), Ct));

        var active = Assert.Single(await RowsAsync(index, TableReleaseStore.ActivePartition));
        Assert.Equal((id, "Active", "2027-03-16"), (active.RowKey, active.GetString("Status"), active.GetString("TargetDate")));
        Assert.Equal(TableReleaseStore.IndexRow(March, id), Assert.Single(await RowsAsync(index, TableReleaseStore.TargetMonthPartition(March))).RowKey);
        Assert.Equal(id, Assert.Single(await store.ListActiveAsync(Ct)).Request.Id);
        Assert.Equal(id, Assert.Single(await store.ListAsync(new ReleaseQuery(TargetFrom: March, TargetTo: March), Ct)).Request.Id);
        Assert.Empty(await store.ListAsync(new ReleaseQuery(TargetFrom: March.AddDays(1), TargetTo: March.AddDays(40)), Ct));
    }

    [Fact]
    public async Task ApplyAsync_TargetDateMovedToTheNextMonth_MovesTheMonthRowAndARetryLeavesItSo()
    {
        var (index, id) = (await OwnIndexAsync(), Azurite.UniqueName("rel-"));
        var store = new TableReleaseStore(Service(), index, new SetTime(Now));
        await store.TryCreateAsync(Record(id, March, Now), Ct);
        var april = new DateOnly(2027, 4, 6);
        var moved = StatusWrites.Change(id, ReleasePhase.Planning, ReleaseStatus.Active, "Rescheduled.", Now.AddHours(1), targetDate: april);

        await store.ApplyAsync(moved, Ct);
        await store.ApplyAsync(moved, Ct);

        Assert.Empty(await RowsAsync(index, TableReleaseStore.TargetMonthPartition(March)));
        Assert.Equal(TableReleaseStore.IndexRow(april, id), Assert.Single(await RowsAsync(index, TableReleaseStore.TargetMonthPartition(april))).RowKey);
        Assert.Equal("2027-04-06", Assert.Single(await RowsAsync(index, TableReleaseStore.ActivePartition)).GetString("TargetDate"));
        Assert.Equal(april, Assert.Single(await store.ListAsync(new ReleaseQuery(TargetFrom: april, TargetTo: april), Ct)).Request.TargetDate);
    }

    [Theory]
    [InlineData(ReleaseStatus.Completed)]
    [InlineData(ReleaseStatus.Cancelled)]
    public async Task ApplyAllAsync_ReleaseEnds_LeavesTheActivePartitionForItsEndMonth(ReleaseStatus status)
    {
        var (index, id) = (await OwnIndexAsync(), Azurite.UniqueName("rel-"));
        var store = new TableReleaseStore(Service(), index, new SetTime(Now));
        await store.TryCreateAsync(Record(id, March, Now.AddDays(-40)), Ct);
        var endedAt = Now.AddDays(-2);
        var ended = new ReleaseWrite[]
        {
            StatusWrites.Change(id, ReleasePhase.Closed, status, "Ended.", endedAt.AddMinutes(-1), sequence: 7),
            StatusWrites.Change(id, ReleasePhase.Closed, status, "Ended.", endedAt, sequence: 8),
        };

        await store.ApplyAllAsync(ended, Ct);
        await store.ApplyAllAsync(ended, Ct);

        Assert.Empty(await RowsAsync(index, TableReleaseStore.ActivePartition));
        foreach (var partition in new[] { TableReleaseStore.EndedPartition(), TableReleaseStore.EndedPartition(status) })
        {
            var row = Assert.Single(await RowsAsync(index, partition));
            Assert.Equal((TableReleaseStore.EndedRow(endedAt, id), status.ToString()), (row.RowKey, row.GetString("Status")));
        }

        Assert.Equal(status.ToString(), Assert.Single(await RowsAsync(index, TableReleaseStore.TargetMonthPartition(March))).GetString("Status"));
        Assert.Empty(await store.ListActiveAsync(Ct));
        Assert.Equal(id, Assert.Single(await store.ListAsync(new ReleaseQuery(Status: status), Ct)).Request.Id);
        Assert.Equal(id, Assert.Single(await store.ListAsync(new ReleaseQuery(EndedSince: Now.AddDays(-30)), Ct)).Request.Id);
        Assert.Empty(await store.ListAsync(new ReleaseQuery(EndedSince: Now.AddDays(-1)), Ct));
    }

    [Fact]
    public async Task EndedRows_ReadMostRecentlyEndedFirst_AndAStatusListingStopsAtMax()
    {
        var (index, system) = (await OwnIndexAsync(), Azurite.UniqueName("Billing"));
        var store = new TableReleaseStore(Service(), index, new SetTime(Now));
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var id = Azurite.UniqueName($"rel{i}-");
            ids.Add(id);
            // Ended 0, 20, 40 and 60 days ago, each created a week before.
            var ended = Now.AddDays(-20 * i);
            await store.TryCreateAsync(Record(id, March, ended.AddDays(-7), system, ReleaseStatus.Completed, ended), Ct);
        }

        var two = await store.ListAsync(new ReleaseQuery(Status: ReleaseStatus.Completed, System: system, Max: 2), Ct);

        Assert.Equal([ids[0], ids[1]], two.Select(r => r.Request.Id));
        Assert.Equal(ids, (await store.ListAsync(new ReleaseQuery(Status: ReleaseStatus.Completed, System: system.ToUpperInvariant()), Ct)).Select(r => r.Request.Id));
    }

    [Fact]
    public async Task ListActiveAsync_StaleActiveRowOfAnEndedRelease_IsLeftOutAndRemoved()
    {
        var (index, id) = (await OwnIndexAsync(), Azurite.UniqueName("rel-"));
        var store = new TableReleaseStore(Service(), index, new SetTime(Now));
        await store.TryCreateAsync(Record(id, March, Now.AddDays(-9)), Ct);
        var activeRow = Assert.Single(await RowsAsync(index, TableReleaseStore.ActivePartition));
        await store.ApplyAsync(StatusWrites.Change(id, ReleasePhase.Closed, ReleaseStatus.Cancelled, "Cancelled.", Now.AddDays(-1)), Ct);
        // As a backfill that read the release just before it ended leaves it.
        await new TableClient(Azurite.ConnectionString, index).UpsertEntityAsync(activeRow, cancellationToken: Ct);

        Assert.Empty(await store.ListActiveAsync(Ct));
        Assert.Empty(await RowsAsync(index, TableReleaseStore.ActivePartition));
    }

    [Fact]
    public async Task FirstUse_ReleasesStoredBeforeTheListings_AreListedOnceAndMarked()
    {
        var (system, active, ended) = (Azurite.UniqueName("Billing"), Azurite.UniqueName("old-"), Azurite.UniqueName("old-"));
        var index = Azurite.UniqueName("ReleaseListingBackfill");
        var before = new TableReleaseStore(Service(), index, new SetTime(Now));
        await before.TryCreateAsync(Record(active, March, Now.AddDays(-5), system), Ct);
        await before.TryCreateAsync(Record(ended, March, Now.AddDays(-9), system, ReleaseStatus.Cancelled, Now.AddDays(-4)), Ct);

        // The index as the admission index's code left it: its rows and mark, no listing rows, no listing mark.
        var table = new TableClient(Azurite.ConnectionString, index);
        foreach (var partition in new[] { TableReleaseStore.ActivePartition, TableReleaseStore.TargetMonthPartition(March), TableReleaseStore.EndedPartition(), TableReleaseStore.EndedPartition(ReleaseStatus.Cancelled) })
        {
            foreach (var row in await RowsAsync(index, partition))
            {
                await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, cancellationToken: Ct);
            }
        }

        await table.DeleteEntityAsync(TableReleaseStore.IndexMetaPartition, TableReleaseStore.ListingMark, cancellationToken: Ct);
        var after = new TableReleaseStore(Service(), index, new SetTime(Now));
        var listed = await after.ListAsync(new ReleaseQuery(System: system, EndedSince: Now.AddDays(-30)), Ct);

        Assert.Equal([active, ended], listed.Select(r => r.Request.Id));
        Assert.Contains(await RowsAsync(index, TableReleaseStore.ActivePartition), r => r.RowKey == active);
        Assert.Contains(await RowsAsync(index, TableReleaseStore.EndedPartition(ReleaseStatus.Cancelled)), r => r.GetString("ReleaseId") == ended);
        Assert.Equal(
            [TableReleaseStore.BackfillMark, TableReleaseStore.ListingMark],
            (await RowsAsync(index, TableReleaseStore.IndexMetaPartition)).Select(r => r.RowKey).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Listings_5Or200OldReleases_CostTheSameStorageOperationsAndRows()
    {
        var five = await ListingCostsAsync(5);
        var many = await ListingCostsAsync(200);

        Assert.Equal(five, many);
        foreach (var (listing, cost) in five)
        {
            // Shown: 3 active (one in its watch) and 2 recently ended releases; a listing costs one or two partition
            // queries plus a point read of each release it returns (the board: 2 + 5).
            Assert.True(cost.Operations is > 0 and <= 7, $"{listing}: {cost.Operations} operations");
        }
    }

    /// <summary>
    /// The storage operations and rows read of each listing over an index holding 3 active releases (one in its watch),
    /// 2 ended in the last 30 days and <paramref name="old"/> releases of other months that ended long ago.
    /// </summary>
    private static async Task<IReadOnlyDictionary<string, (int Operations, int Rows)>> ListingCostsAsync(int old)
    {
        var (index, system) = (await OwnIndexAsync(), Azurite.UniqueName("Billing"));
        var counter = new RequestCounter();
        var store = new TableReleaseStore(Service(counter), index, new SetTime(Now));
        var shown = new List<ReleaseRecord>
        {
            Record(Azurite.UniqueName("act-"), March, Now.AddDays(-10), system),
            Record(Azurite.UniqueName("act-"), March.AddDays(2), Now.AddDays(-9), system),
            Record(Azurite.UniqueName("act-"), March.AddDays(-8), Now.AddDays(-20), system, phase: ReleasePhase.PostRelease),
            Record(Azurite.UniqueName("end-"), March.AddDays(-9), Now.AddDays(-30), system, ReleaseStatus.Completed, Now.AddDays(-3)),
            Record(Azurite.UniqueName("end-"), March.AddDays(-2), Now.AddDays(-12), system, ReleaseStatus.Cancelled, Now.AddDays(-6)),
        };
        var history = Enumerable.Range(0, old).Select(i =>
        {
            // Spread over five years before this year, ended a week after their target dates.
            var target = new DateOnly(2021, 1, 5).AddDays(i * 1800 / Math.Max(old, 1));
            var created = new DateTimeOffset(target.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddDays(-30);
            return Record(Azurite.UniqueName("old-"), target, created, system, i % 5 == 0 ? ReleaseStatus.Cancelled : ReleaseStatus.Completed, created.AddDays(37));
        });
        await Parallel.ForEachAsync(shown.Concat(history), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct },
            async (record, ct) => Assert.True(await store.TryCreateAsync(record, ct)));
        var watch = new TableReleaseWatchList(Service(counter), index);
        await watch.ListInWatchAsync(Ct); // its own store's first use (the marks' query) is not a listing's cost

        var costs = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        async Task MeasureAsync(string name, Func<Task<IReadOnlyList<ReleaseRecord>>> listing, int expected)
        {
            counter.Reset();
            var listed = await listing();
            Assert.Equal(expected, listed.Count);
            costs[name] = (counter.Requests, counter.Entities);
        }

        await MeasureAsync("board", () => store.ListAsync(new ReleaseQuery(Max: int.MaxValue, EndedSince: Now.AddDays(-30)), Ct), 5);
        await MeasureAsync("active (calendar, stranded)", () => store.ListActiveAsync(Ct), 3);
        await MeasureAsync("watch list", () => watch.ListInWatchAsync(Ct), 1);
        await MeasureAsync("target month", () => store.ListAsync(new ReleaseQuery(TargetFrom: new DateOnly(2027, 3, 1), TargetTo: new DateOnly(2027, 3, 31)), Ct), 5);
        await MeasureAsync("status Completed", () => store.ListAsync(new ReleaseQuery(Status: ReleaseStatus.Completed, EndedSince: Now.AddDays(-365)), Ct), 1);
        await MeasureAsync("status Completed, max 1, no window", () => store.ListAsync(new ReleaseQuery(Status: ReleaseStatus.Completed, Max: 1), Ct), 1);
        await MeasureAsync("api default", () => store.ListAsync(new ReleaseQuery(System: system, EndedSince: Now.AddDays(-365)), Ct), 5);
        return costs;
    }
}
