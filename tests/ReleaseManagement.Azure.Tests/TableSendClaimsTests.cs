using ReleaseManagement.Azure.Storage;
using ReleaseManagement.Azure.Tables;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Tests;

/// <summary><see cref="TableSendClaims"/> on Azurite: one holder at a time among concurrent claimants, done once.</summary>
public sealed class TableSendClaimsTests
{
    private static readonly DateTimeOffset Now = new(2031, 6, 2, 8, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static TableSendClaims NewClaims() => new(StorageClients.FromConnectionString(Azurite.ConnectionString).Tables);

    [Fact]
    public async Task ClaimAsync_TwelveWorkersAtOnce_ExactlyOneHoldsTheSend()
    {
        var release = Azurite.UniqueName("rel-");
        // Each worker with its own client, as hosts have theirs.
        var claims = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            NewClaims().ClaimAsync(release, "notice|t+1@2031-06-02|abc", $"worker-{i}", Now, Now.AddSeconds(30), Ct)));

        Assert.Single(claims, c => c.State == SendClaimState.Claimed);
        Assert.All(claims.Where(c => c.State != SendClaimState.Claimed), c =>
        {
            Assert.Equal(SendClaimState.Held, c.State);
            Assert.Equal(Now.AddSeconds(30), c.Until);
        });
    }

    [Fact]
    public async Task CompleteAsync_ThenEveryClaimIsDoneWithTheFirstResult()
    {
        var (store, release) = (NewClaims(), Azurite.UniqueName("rel-"));
        Assert.Equal(SendClaimState.Claimed, (await store.ClaimAsync(release, "approval|plan|1|Request|po@example.com", "a", Now, Now.AddSeconds(30), Ct)).State);
        await store.CompleteAsync(release, "approval|plan|1|Request|po@example.com", 1, Now.AddSeconds(2), Ct);
        await store.CompleteAsync(release, "approval|plan|1|Request|po@example.com", 7, Now.AddSeconds(3), Ct); // a late second completion

        foreach (var owner in new[] { "a", "b" })
        {
            Assert.Equal(new SendClaim(SendClaimState.Done, 1), await store.ClaimAsync(release, "approval|plan|1|Request|po@example.com", owner, Now.AddHours(1), Now.AddHours(2), Ct));
        }

        // Another release's send of the same key is its own.
        Assert.Equal(SendClaimState.Claimed, (await store.ClaimAsync(Azurite.UniqueName("rel-"), "approval|plan|1|Request|po@example.com", "b", Now, Now.AddSeconds(30), Ct)).State);
    }

    [Fact]
    public async Task ClaimAsync_LeaseRunOutOrLetGo_TheNextWorkerTakesIt_TheLoserCannotLetItGo()
    {
        var (store, release) = (NewClaims(), Azurite.UniqueName("rel-"));
        const string Key = "notice|odd/key#with?chars%\\";
        Assert.Equal(SendClaimState.Claimed, (await store.ClaimAsync(release, Key, "a", Now, Now.AddSeconds(30), Ct)).State);
        Assert.Equal(SendClaimState.Claimed, (await store.ClaimAsync(release, Key, "a", Now.AddSeconds(10), Now.AddSeconds(40), Ct)).State); // renewed
        Assert.Equal(SendClaimState.Held, (await store.ClaimAsync(release, Key, "b", Now.AddSeconds(35), Now.AddSeconds(65), Ct)).State);

        // a's lease ran out: b takes the send; a, late, can neither let it go nor take it back.
        Assert.Equal(SendClaimState.Claimed, (await store.ClaimAsync(release, Key, "b", Now.AddSeconds(41), Now.AddSeconds(71), Ct)).State);
        await store.ReleaseAsync(release, Key, "a", Ct);
        Assert.Equal(SendClaimState.Held, (await store.ClaimAsync(release, Key, "a", Now.AddSeconds(42), Now.AddSeconds(72), Ct)).State);

        // b's send failed: it lets go, and c need not wait for b's lease.
        await store.ReleaseAsync(release, Key, "b", Ct);
        Assert.Equal(SendClaimState.Claimed, (await store.ClaimAsync(release, Key, "c", Now.AddSeconds(43), Now.AddSeconds(73), Ct)).State);
    }

    [Fact]
    public void RowKey_CharactersARowKeyMayNotHold_ArePercentEncoded_OthersKept()
    {
        Assert.Equal("notice|a%2Fb%5Cc%23d%3Fe%25f@x:y", TableSendClaims.RowKey("notice|a/b\\c#d?e%f@x:y"));
        Assert.NotEqual(TableSendClaims.RowKey("a%2F"), TableSendClaims.RowKey("a/"));
    }
}
