using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using ReleaseManagement.Azure.Events;

namespace ReleaseManagement.Events.Tests;

/// <summary>The processor's group commit of table writes, against Azurite: fewer calls, each caller its own answer.</summary>
public sealed class PartitionGroupCommitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(TableClient Table, CallCounter Calls)> TableAsync()
    {
        var calls = new CallCounter();
        var options = new TableClientOptions();
        options.AddPolicy(calls, HttpPipelinePosition.PerCall);
        var table = new TableClient(Azurite.ConnectionString, "groupcommit" + Guid.NewGuid().ToString("N")[..12], options);
        await table.CreateIfNotExistsAsync(Ct);
        calls.Reset();
        return (table, calls);
    }

    [Fact]
    public async Task PartitionGroupCommit_ManyConcurrentWritesToOnePartition_GoInAFewTransactions()
    {
        var (table, calls) = await TableAsync();
        var commit = new PartitionGroupCommit(table);

        await Task.WhenAll(Enumerable.Range(0, 60).Select(i => commit.AddAsync(new TableEntity("p", $"r{i:D2}") { ["Value"] = i }, Ct)));

        Assert.Equal(60, table.Query<TableEntity>(e => e.PartitionKey == "p", cancellationToken: Ct).Count());
        // The first alone, the others together while it was in flight: far fewer than 60 calls. How many depends on how
        // many writes had come in while each batch was in flight: 2 to 6 on an idle machine, 9 once in a full run.
        Assert.InRange(calls.Count, 2, 20);
    }

    [Fact]
    public async Task PartitionGroupCommit_OneRowOfABatchExists_OnlyItsCallerGets409_AndEveryOtherRowIsStored()
    {
        var (table, _) = await TableAsync();
        await table.AddEntityAsync(new TableEntity("p", "r07") { ["Value"] = "before" }, Ct);
        var commit = new PartitionGroupCommit(table);

        var writes = Enumerable.Range(0, 40).Select(i => commit.AddAsync(new TableEntity("p", $"r{i:D2}") { ["Value"] = "now" }, Ct)).ToList();
        var outcomes = await Task.WhenAll(writes.Select(async w =>
        {
            try
            {
                await w;
                return 0;
            }
            catch (RequestFailedException e)
            {
                return e.Status;
            }
        }));

        Assert.Equal(409, outcomes[7]);
        Assert.All(outcomes.Where((_, i) => i != 7), o => Assert.Equal(0, o));
        var rows = table.Query<TableEntity>(e => e.PartitionKey == "p", cancellationToken: Ct).ToList();
        Assert.Equal(40, rows.Count);
        Assert.Equal("before", rows.Single(r => r.RowKey == "r07").GetString("Value"));
    }

    [Fact]
    public async Task PartitionGroupCommit_SameRowTwiceAtOnce_OneAddWins_AndUpsertsBothLand()
    {
        var (table, _) = await TableAsync();
        var commit = new PartitionGroupCommit(table);

        // Held behind a first write, so the two copies meet in one group (a transaction cannot hold one row twice).
        var first = commit.AddAsync(new TableEntity("p", "lead"), Ct);
        var adds = new[] { commit.AddAsync(new TableEntity("p", "twin"), Ct), commit.AddAsync(new TableEntity("p", "twin"), Ct) };
        var upserts = new[] { commit.UpsertReplaceAsync(new TableEntity("p", "copy") { ["N"] = 1 }, Ct), commit.UpsertReplaceAsync(new TableEntity("p", "copy") { ["N"] = 1 }, Ct) };
        await first;
        await Task.WhenAll(upserts);
        var failed = 0;
        foreach (var add in adds)
        {
            try
            {
                await add;
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                failed++;
            }
        }

        Assert.Equal(1, failed);
        Assert.Equal(3, table.Query<TableEntity>(e => e.PartitionKey == "p", cancellationToken: Ct).Count());
    }

    private sealed class CallCounter : HttpPipelineSynchronousPolicy
    {
        private int _count;

        public int Count => _count;

        public void Reset() => _count = 0;

        public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _count);
    }
}
