using Azure.Data.Tables;
using ReleaseManagement.Azure.Storage;
using ReleaseManagement.Azure.Tables;
using ReleaseManagement.Feedback;

namespace ReleaseManagement.Azure.Tests;

/// <summary>The feedback links' table against Azurite (issue 27, point 1): stored once, found by their token, answered once.</summary>
public sealed class TableFeedbackStoreTests
{
    private static readonly DateTimeOffset Now = new(2027, 1, 6, 9, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static TableFeedbackStore NewStore() => new(StorageClients.FromConnectionString(Azurite.ConnectionString).Tables);

    private static FeedbackLink Link(string release, string reader) =>
        new(release, Azurite.UniqueName("hash"), reader, "post-deployment-report@2027-01-05", Now);

    [Fact]
    public async Task AddGetAnswerList_ALinkStoredTwiceIsKept_FoundByItsHashAlone_AnsweredOnce()
    {
        var store = NewStore();
        var release = "rel/" + Azurite.UniqueName("fb"); // a release id with a character table keys refuse
        var (a, b) = (Link(release, "a@example.com"), Link(release, "b@example.com"));
        await store.AddAsync(a, Ct);
        await store.AddAsync(b, Ct);
        Assert.Equal(FeedbackAnswerOutcome.Recorded, await store.AnswerAsync(a.TokenHash, 4, "fine", Now.AddHours(1), Ct));

        await store.AddAsync(a with { SentAt = Now.AddDays(1) }, Ct); // a retried send
        var found = await store.GetAsync(a.TokenHash, Ct);

        Assert.Equal((release, "a@example.com", 4, "fine", Now.AddHours(1), Now), (found!.ReleaseId, found.Recipient, found.Rating, found.Comment, found.AnsweredAt, found.SentAt));
        Assert.Equal(FeedbackAnswerOutcome.AlreadyAnswered, await store.AnswerAsync(a.TokenHash, 1, "again", Now.AddHours(2), Ct));
        Assert.Equal(FeedbackAnswerOutcome.NotFound, await store.AnswerAsync("no-such-hash", 3, null, Now, Ct));
        Assert.Null(await store.GetAsync("no-such-hash", Ct));
        var all = await store.ListAsync(release, Ct);
        Assert.Equal(["a@example.com", "b@example.com"], all.Select(l => l.Recipient));
        Assert.Equal([4, null], all.Select(l => l.Rating));
    }

    [Fact]
    public async Task AnswerAsync_TwoPostsRacing_OneIsRecorded()
    {
        var link = Link(Azurite.UniqueName("race"), "a@example.com");
        await NewStore().AddAsync(link, Ct);

        var outcomes = await Task.WhenAll(Enumerable.Range(1, 5).Select(r => NewStore().AnswerAsync(link.TokenHash, r, null, Now, Ct)));

        Assert.Single(outcomes, o => o == FeedbackAnswerOutcome.Recorded);
        Assert.Equal(4, outcomes.Count(o => o == FeedbackAnswerOutcome.AlreadyAnswered));
        var rows = new TableClient(Azurite.ConnectionString, TableNames.Feedback).Query<TableEntity>(e => e.RowKey == link.TokenHash, cancellationToken: Ct).ToArray();
        Assert.Equal(2, rows.Length); // the link and its index row
    }
}
