using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using ReleaseManagement.Azure.Tables;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;
using StatusWrites = ReleaseFunctions.TestSupport.StatusWrites;

namespace ReleaseManagement.Azure.Tests;

/// <summary>
/// The admission index of <see cref="TableReleaseStore"/> (TableReleaseStore.Index.cs) against Azurite: rows written,
/// moved and removed with the release, the backfill of releases stored before it, and a request's storage operations
/// independent of the number of releases in its window. Each test names systems of its own (a system's partitions are its
/// own) and, where it reads the whole index, an index table of its own.
/// </summary>
public sealed class ReleaseIndexTests
{
    private static readonly DateTimeOffset Created = new(2026, 11, 27, 9, 30, 0, TimeSpan.Zero);
    private static readonly DateOnly Tuesday = new(2026, 12, 15);
    private static readonly ReleasePolicy Policy = ReleasePolicyDefaults.Create();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ReleaseRecord Record(string id, DateOnly target, params string[] systems) => new(
        new ReleaseRequest(id, "Release " + id, ReleaseType.Minor, systems, target, "rm@example.com"),
        Created, ReleasePhase.Submitted, ReleaseStatus.Active, "Submitted.", Created);

    private static TableServiceClient Service(RequestCounter? counter = null)
    {
        var options = new TableClientOptions();
        if (counter is not null)
        {
            options.AddPolicy(counter, HttpPipelinePosition.PerCall);
        }

        return new TableServiceClient(Azurite.ConnectionString, options);
    }

    private static async Task<TableEntity[]> RowsAsync(string partition, string indexTable = TableNames.ReleaseIndex)
    {
        var rows = new List<TableEntity>();
        var client = new TableClient(Azurite.ConnectionString, indexTable);
        await foreach (var row in client.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), cancellationToken: Ct))
        {
            rows.Add(row);
        }

        return rows.ToArray();
    }

    [Fact]
    public async Task TryCreateAsync_ActiveRelease_WritesOneRowPerSystemInItsMonth()
    {
        var (billing, forecasting, id) = (Azurite.UniqueName("Billing"), Azurite.UniqueName("Forecasting"), Azurite.UniqueName("rel-"));
        var store = new TableReleaseStore(Service());

        Assert.True(await store.TryCreateAsync(Record(id, Tuesday, billing, forecasting, billing.ToUpperInvariant()), Ct));

        foreach (var system in new[] { billing, forecasting })
        {
            var row = Assert.Single(await RowsAsync(TableReleaseStore.IndexPartition(system, Tuesday)));
            Assert.Equal(TableReleaseStore.IndexRow(Tuesday, id), row.RowKey);
            Assert.Equal(("Minor", "2026-12-15", "Active"), (row.GetString("Type"), row.GetString("TargetDate"), row.GetString("Status")));
        }

        var neighbours = await store.NeighboursAsync([forecasting.ToUpperInvariant()], Tuesday.AddDays(-20), Tuesday, Ct);
        Assert.Equal(id, Assert.Single(neighbours).Request.Id);
        Assert.Empty(await store.NeighboursAsync([forecasting], Tuesday.AddDays(1), Tuesday.AddDays(40), Ct));
    }

    [Fact]
    public async Task ApplyAsync_TargetDateMovedToTheNextMonth_MovesTheRowAndARetryLeavesItSo()
    {
        var (system, id) = (Azurite.UniqueName("Billing"), Azurite.UniqueName("rel-"));
        var store = new TableReleaseStore(Service());
        await store.TryCreateAsync(Record(id, Tuesday, system), Ct);
        var january = new DateOnly(2027, 1, 12);
        var moved = StatusWrites.Change(id, ReleasePhase.Planning, ReleaseStatus.Active, "Rescheduled.", Created.AddHours(1), targetDate: january);

        await store.ApplyAsync(moved, Ct);
        await store.ApplyAsync(moved, Ct);

        Assert.Empty(await RowsAsync(TableReleaseStore.IndexPartition(system, Tuesday)));
        Assert.Equal(TableReleaseStore.IndexRow(january, id), Assert.Single(await RowsAsync(TableReleaseStore.IndexPartition(system, january))).RowKey);
        Assert.Equal(january, Assert.Single(await store.NeighboursAsync([system], Tuesday, january, Ct)).Request.TargetDate);
    }

    [Theory]
    [InlineData(ReleaseStatus.Cancelled, null)]
    [InlineData(ReleaseStatus.Rejected, null)]
    [InlineData(ReleaseStatus.RolledBack, null)]
    [InlineData(ReleaseStatus.Completed, "Completed")]
    public async Task ApplyAllAsync_ReleaseEnds_RemovesItsRowsOrKeepsThemCompleted(ReleaseStatus status, string? kept)
    {
        var (system, id) = (Azurite.UniqueName("Billing"), Azurite.UniqueName("rel-"));
        var store = new TableReleaseStore(Service());
        await store.TryCreateAsync(Record(id, Tuesday, system), Ct);
        var ended = new ReleaseWrite[]
        {
            StatusWrites.Change(id, ReleasePhase.Closed, status, "Ended.", Created.AddDays(2), sequence: 7),
            StatusWrites.Change(id, ReleasePhase.Closed, status, "Ended.", Created.AddDays(2), sequence: 8),
        };

        await store.ApplyAllAsync(ended, Ct);
        await store.ApplyAllAsync(ended, Ct);

        var rows = await RowsAsync(TableReleaseStore.IndexPartition(system, Tuesday));
        Assert.Equal(kept, rows.SingleOrDefault()?.GetString("Status"));
        Assert.Equal(status, (await store.GetAsync(id, Ct))!.Status);
    }

    [Fact]
    public async Task TryCreateAsync_IdTakenWithAnotherDate_KeepsOnlyTheStoredReleasesRow()
    {
        var (system, id) = (Azurite.UniqueName("Billing"), Azurite.UniqueName("rel-"));
        var store = new TableReleaseStore(Service());
        await store.TryCreateAsync(Record(id, Tuesday, system), Ct);

        Assert.False(await store.TryCreateAsync(Record(id, Tuesday.AddDays(2), system), Ct));

        Assert.Equal(TableReleaseStore.IndexRow(Tuesday, id), Assert.Single(await RowsAsync(TableReleaseStore.IndexPartition(system, Tuesday))).RowKey);
    }

    [Fact]
    public async Task FirstUse_ReleasesStoredBeforeTheIndex_AreIndexedOnceAndMarked()
    {
        var (system, active, cancelled) = (Azurite.UniqueName("Billing"), Azurite.UniqueName("old-"), Azurite.UniqueName("old-"));
        var index = Azurite.UniqueName("ReleaseIndexBackfill");
        var before = new TableReleaseStore(Service(), index);
        await before.TryCreateAsync(Record(active, Tuesday, system), Ct);
        await before.TryCreateAsync(Record(cancelled, Tuesday, system) with { Status = ReleaseStatus.Cancelled }, Ct);

        // The index as it was before this change: gone (a store of the old code wrote the release rows only).
        await new TableClient(Azurite.ConnectionString, index).DeleteAsync(Ct);
        var after = new TableReleaseStore(Service(), index);
        var neighbours = await after.NeighboursAsync([system], Tuesday, Tuesday, Ct);

        Assert.Equal(active, Assert.Single(neighbours).Request.Id);
        Assert.Equal([TableReleaseStore.BackfillMark, TableReleaseStore.ListingMark], (await RowsAsync(TableReleaseStore.IndexMetaPartition, index)).Select(r => r.RowKey).Order(StringComparer.Ordinal));
        Assert.Single(await RowsAsync(TableReleaseStore.IndexPartition(system, Tuesday), index));
    }

    [Fact]
    public async Task ReleaseRequest_5Or50ReleasesInItsWindow_CostsTheSameStorageOperations()
    {
        var five = await RequestOperationsAsync(5);
        var fifty = await RequestOperationsAsync(50);

        Assert.Equal(five.Operations, fifty.Operations);
        Assert.InRange(five.Operations, 3, 10);
        Assert.EndsWith(" and 2 more.", five.Warning, StringComparison.Ordinal);
        Assert.EndsWith(" and 47 more.", fifty.Warning, StringComparison.Ordinal);
    }

    /// <summary>
    /// The storage operations of one release request (the storage path of POST /api/releases: neighbours, check, create,
    /// warnings) into a window already holding <paramref name="existing"/> releases of its system; and its conflict warning.
    /// </summary>
    private static async Task<(int Operations, string Warning)> RequestOperationsAsync(int existing)
    {
        var system = Azurite.UniqueName("Billing");
        var counter = new RequestCounter();
        var store = new TableReleaseStore(Service(counter));
        await Parallel.ForEachAsync(Enumerable.Range(0, existing), Ct, async (i, ct) =>
            await store.TryCreateAsync(Record($"{system}-{i:D3}".ToLowerInvariant(), Tuesday.AddDays(-(i % 3)), system), ct));
        var release = Record(Azurite.UniqueName("new-"), Tuesday, system);
        var admission = new AdmissionWriter(store, Policy);

        counter.Reset();
        var check = ReleaseAdmission.Check(Policy, release.Request, await admission.NeighboursAsync(release.Request, Ct));
        Assert.True(await store.TryCreateAsync(release, Ct));
        await admission.WarnAsync(check, release, replace: false, Created, Ct);
        var operations = counter.Requests;

        Assert.Equal(existing, check.ConflictingReleaseIds.Count);
        var stored = await store.GetAsync(release.Request.Id, Ct);
        return (operations, stored!.Warnings!.Single(w => w.Code == AdmissionWarnings.WindowConflict).Message);
    }
}
