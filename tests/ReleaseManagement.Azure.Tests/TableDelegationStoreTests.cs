using Azure.Data.Tables;
using ReleaseManagement.Approvals;
using ReleaseManagement.Azure.Storage;
using ReleaseManagement.Azure.Tables;

namespace ReleaseManagement.Azure.Tests;

public sealed class TableDelegationStoreTests
{
    private static readonly DateTimeOffset Now = new(2031, 5, 4, 8, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static TableDelegationStore NewStore() => new(StorageClients.FromConnectionString(Azurite.ConnectionString).Tables);

    private static Delegation Made(string id, string owner, string to, DateTimeOffset from, DateTimeOffset until) =>
        new(id, owner, to, ["technical-lead"], from, until, "Holiday", Now.AddDays(-1));

    [Fact]
    public async Task AddAsync_ThenListsByOwnerAndDelegate_ActiveAtATimeIsOnePartitionQuery()
    {
        var store = NewStore();
        var (owner, to) = (Azurite.UniqueName("owner") + "@Example.com", Azurite.UniqueName("to") + "@example.com");
        var running = Made(Azurite.UniqueName("d"), owner, to, Now.AddHours(-1), Now.AddDays(3));
        var later = Made(Azurite.UniqueName("d"), owner, to, Now.AddDays(5), Now.AddDays(6));

        Assert.Equal(running, await store.AddAsync(running, Ct));
        await store.AddAsync(later, Ct);

        Assert.Equal([running.Id], (await store.ListByOwnerAsync(owner.ToLowerInvariant(), Now, Ct)).Select(d => d.Id));
        Assert.Equal([running.Id], (await store.ListByDelegateAsync(to.ToUpperInvariant(), Now, Ct)).Select(d => d.Id));
        Assert.Equal(2, (await store.ListByOwnerAsync(owner, cancellationToken: Ct)).Count);
        var read = await store.GetAsync(running.Id, Ct);
        Assert.Equal(running.Roles, read!.Roles);
        Assert.Equal(running, read with { Roles = running.Roles });
        var copies = new TableClient(Azurite.ConnectionString, TableNames.Delegations)
            .QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {running.Id}"), cancellationToken: Ct);
        var partitions = new List<string>();
        await foreach (var e in copies)
        {
            partitions.Add(e.PartitionKey);
        }

        Assert.Equal(3, partitions.Count);
    }

    [Fact]
    public async Task AddAsync_SameIdAgain_ReturnsTheStoredOneAndChangesNothing()
    {
        var store = NewStore();
        var first = Made(Azurite.UniqueName("d"), Azurite.UniqueName("o") + "@example.com", Azurite.UniqueName("t") + "@example.com", Now, Now.AddDays(2));

        await store.AddAsync(first, Ct);
        var second = await store.AddAsync(first with { Delegate = "someone-else@example.com" }, Ct);

        Assert.Equal(first.Delegate, second.Delegate);
        Assert.Empty(await store.ListByDelegateAsync("someone-else@example.com", Now.AddHours(1), Ct));
    }

    [Fact]
    public async Task CancelAsync_EndsItInEveryCopy_AndKeepsTheFirstCancellation()
    {
        var store = NewStore();
        var d = Made(Azurite.UniqueName("d"), Azurite.UniqueName("o") + "@example.com", Azurite.UniqueName("t") + "@example.com", Now.AddHours(-1), Now.AddDays(2));
        await store.AddAsync(d, Ct);

        var cancelled = await store.CancelAsync(d.Id, Now, d.Owner, Ct);
        var again = await store.CancelAsync(d.Id, Now.AddHours(1), d.Owner, Ct);

        Assert.Equal(Now, cancelled!.CancelledAt);
        Assert.Equal(Now, again!.CancelledAt);
        Assert.Empty(await store.ListByDelegateAsync(d.Delegate, Now.AddMinutes(1), Ct));
        Assert.Empty(await store.ListByOwnerAsync(d.Owner, Now.AddMinutes(1), Ct));
        Assert.Single(await store.ListByOwnerAsync(d.Owner, Now.AddMinutes(-1), Ct));
        Assert.Null(await store.CancelAsync(Azurite.UniqueName("none"), Now, d.Owner, Ct));
    }
}
