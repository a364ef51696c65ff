using Azure.Data.Tables;
using ReleaseManagement.Azure.Storage;
using ReleaseManagement.Azure.Tables;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Azure.Tests;

public sealed class TableReleaseStoreTests
{
    private static readonly DateTimeOffset Created = new(2026, 11, 27, 9, 30, 0, TimeSpan.Zero);

    private static ReleaseRecord Record(string id) => new(
        new ReleaseRequest(id, "December release", ReleaseType.Minor, ["Billing", "Forecasting"], new DateOnly(2026, 12, 15), "rm@example.com"),
        Created,
        ReleasePhase.Submitted,
        ReleaseStatus.Active,
        "Submitted.",
        Created);

    private static TableReleaseStore NewStore() => new(StorageClients.FromConnectionString(Azurite.ConnectionString).Tables);

    [Fact]
    public async Task TryCreateAsync_NewRelease_StoresEveryFieldInTheReleasesTable()
    {
        var store = NewStore();
        var id = Azurite.UniqueName("rel-");

        Assert.True(await store.TryCreateAsync(Record(id), TestContext.Current.CancellationToken));
        var read = await store.GetAsync(id, TestContext.Current.CancellationToken);

        Assert.NotNull(read);
        Assert.Equal(Record(id).Request.Systems, read.Request.Systems);
        Assert.Equal(Record(id) with { Request = read.Request }, read);
        Assert.Equal(Record(id).Request with { Systems = read.Request.Systems }, read.Request);

        var raw = await new TableClient(Azurite.ConnectionString, TableNames.Releases)
            .GetEntityAsync<TableEntity>(id, TableReleaseStore.RowKey, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("Minor", raw.Value.GetString("Type"));
        Assert.Equal("2026-12-15", raw.Value.GetString("TargetDate"));
    }

    [Fact]
    public async Task TryCreateAsync_SameIdTwice_ReturnsFalseAndKeepsTheFirst()
    {
        var store = NewStore();
        var id = Azurite.UniqueName("rel-");
        Assert.True(await store.TryCreateAsync(Record(id), TestContext.Current.CancellationToken));

        var second = Record(id) with { Request = Record(id).Request with { Title = "Other" } };
        Assert.False(await store.TryCreateAsync(second, TestContext.Current.CancellationToken));

        Assert.Equal("December release", (await store.GetAsync(id, TestContext.Current.CancellationToken))!.Request.Title);
    }

    [Fact]
    public async Task TryCreateAsync_ConcurrentCreatesOfOneId_ExactlyOneSucceeds()
    {
        var store = NewStore();
        var id = Azurite.UniqueName("rel-");

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => store.TryCreateAsync(Record(id), TestContext.Current.CancellationToken)));

        Assert.Equal(1, results.Count(r => r));
    }

    [Fact]
    public async Task GetAsync_UnknownId_ReturnsNull()
    {
        Assert.Null(await NewStore().GetAsync(Azurite.UniqueName("missing-"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ApplyAsync_SameUpdateTwice_LeavesTheSameRowAndKeepsTheRequest()
    {
        var store = NewStore();
        var id = Azurite.UniqueName("rel-");
        await store.TryCreateAsync(Record(id), TestContext.Current.CancellationToken);
        var at = Created.AddMinutes(5);
        var update = new ReleaseStatusUpdate(id, ReleasePhase.Closed, ReleaseStatus.Rejected, "Plan rejected.", at);

        await store.ApplyAsync(update, TestContext.Current.CancellationToken);
        var once = await store.GetAsync(id, TestContext.Current.CancellationToken);
        await store.ApplyAsync(update, TestContext.Current.CancellationToken);
        var twice = await store.GetAsync(id, TestContext.Current.CancellationToken);

        Assert.Equal(ReleasePhase.Closed, once!.Phase);
        Assert.Equal(ReleaseStatus.Rejected, once.Status);
        Assert.Equal("Plan rejected.", once.StatusReason);
        Assert.Equal(at, once.UpdatedAt);
        Assert.Equal("December release", once.Request.Title);
        Assert.Equal(once.Request.Systems, twice!.Request.Systems);
        Assert.Equal(once with { Request = twice.Request }, twice);
    }

    [Fact]
    public async Task ApplyAsync_TimelineOnly_AppendsTheLineAndLeavesTheStatusAlone()
    {
        var store = NewStore();
        var id = Azurite.UniqueName("rel-");
        await store.TryCreateAsync(Record(id), TestContext.Current.CancellationToken);
        await store.ApplyAsync(new ReleaseStatusUpdate(id, ReleasePhase.Closed, ReleaseStatus.Cancelled, "Cancelled: freeze.", Created.AddMinutes(5)), TestContext.Current.CancellationToken);

        // A note of the communications sub-orchestration, written after the release ended.
        var note = new TimelineEntry(1_000_001, Created.AddMinutes(6), ReleasePhase.Planning, "communication", "Skipped T-1.");
        await store.ApplyAsync(
            new ReleaseStatusUpdate(id, ReleasePhase.Planning, ReleaseStatus.Active, note.Message, note.At, Timeline: note, TimelineOnly: true),
            TestContext.Current.CancellationToken);

        var read = await store.GetAsync(id, TestContext.Current.CancellationToken);
        Assert.Equal((ReleasePhase.Closed, ReleaseStatus.Cancelled, "Cancelled: freeze."), (read!.Phase, read.Status, read.StatusReason));
        Assert.Equal(note, Assert.Single(await store.GetTimelineAsync(id, TestContext.Current.CancellationToken)));
    }

    /// <summary>A step's lines as lifecycle version 3 writes them: stage, gates, approvals, a warning set then cleared, a note.</summary>
    private static ReleaseStatusUpdate[] StepUpdates(string id)
    {
        var at = Created.AddMinutes(5);
        TimelineEntry Line(int sequence, string kind, string message) => new(sequence, at.AddSeconds(sequence), ReleasePhase.Deployment, kind, message);
        var warning = new ReleaseWarning("missing-health-data", "No monitoring data.", at);
        return
        [
            new(id, ReleasePhase.Deployment, ReleaseStatus.Active, "Deploying.", at, Stage: "deploy:staging", Timeline: Line(1, "deployment", "Deployment to staging requested."),
                Gates: [new GateItemStatus("backup", "Passed", null)], Risk: "Low"),
            new(id, ReleasePhase.Deployment, ReleaseStatus.Active, "Deployed.", at.AddSeconds(1), Timeline: Line(2, "warning", "No monitoring data."), Warnings: [warning]),
            new(id, ReleasePhase.Deployment, ReleaseStatus.Active, "Note.", at.AddSeconds(2), Timeline: Line(1_000_001, "communication", "Sent T-1."), TimelineOnly: true),
            new(id, ReleasePhase.Validation, ReleaseStatus.Active, "Validating.", at.AddSeconds(3), Stage: "validation", Timeline: Line(3, "validation", "Validating."),
                PendingApprovals: [], ClearedWarnings: ["missing-health-data"], TargetDate: new DateOnly(2026, 12, 16)),
        ];
    }

    [Fact]
    public async Task ApplyAllAsync_StepOfUpdates_LeavesWhatApplyingThemOneByOneLeaves()
    {
        var store = NewStore();
        var (batched, oneByOne) = (Azurite.UniqueName("rel-"), Azurite.UniqueName("rel-"));
        await store.TryCreateAsync(Record(batched), TestContext.Current.CancellationToken);
        await store.TryCreateAsync(Record(oneByOne), TestContext.Current.CancellationToken);

        await store.ApplyAllAsync(StepUpdates(batched), TestContext.Current.CancellationToken);
        await store.ApplyAllAsync(StepUpdates(batched), TestContext.Current.CancellationToken); // a retry changes nothing
        foreach (var update in StepUpdates(oneByOne))
        {
            await store.ApplyAsync(update, TestContext.Current.CancellationToken);
        }

        var (a, b) = ((await store.GetAsync(batched, TestContext.Current.CancellationToken))!, (await store.GetAsync(oneByOne, TestContext.Current.CancellationToken))!);
        Assert.Equal((ReleasePhase.Validation, "validation", "Validating.", new DateOnly(2026, 12, 16)), (a.Phase, a.Stage, a.StatusReason, a.Request.TargetDate));
        Assert.Equal((b.Phase, b.Status, b.Stage, b.StatusReason, b.UpdatedAt, b.Risk, b.Request.TargetDate), (a.Phase, a.Status, a.Stage, a.StatusReason, a.UpdatedAt, a.Risk, a.Request.TargetDate));
        Assert.Equal(b.Gates, a.Gates);
        Assert.Empty(a.PendingApprovals ?? []);
        Assert.Equal(b.Warnings?.Count ?? 0, a.Warnings?.Count ?? 0);
        static IEnumerable<string> Lines(IReadOnlyList<TimelineEntry> t) => t.Select(l => $"{l.Sequence} {l.Kind} {l.Message} {l.At:O}");
        Assert.Equal(Lines(await store.GetTimelineAsync(oneByOne, TestContext.Current.CancellationToken)), Lines(await store.GetTimelineAsync(batched, TestContext.Current.CancellationToken)));
        Assert.Equal(4, (await store.GetTimelineAsync(batched, TestContext.Current.CancellationToken)).Count);
    }
}
