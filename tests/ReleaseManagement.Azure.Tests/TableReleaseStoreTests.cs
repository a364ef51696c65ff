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
    public async Task TryCreateAsync_WithFeatureFlags_ReadsThemBackInOrder()
    {
        var store = NewStore();
        var id = Azurite.UniqueName("rel-");
        var record = Record(id) with
        {
            Request = Record(id).Request with { FeatureFlags = [new FeatureFlag("new-checkout", [5, 25, 100]), new FeatureFlag("dark-mode", [100])] },
        };

        Assert.True(await store.TryCreateAsync(record, TestContext.Current.CancellationToken));
        var flags = (await store.GetAsync(id, TestContext.Current.CancellationToken))!.Request.FeatureFlags;

        Assert.NotNull(flags);
        Assert.Equal(["new-checkout", "dark-mode"], flags.Select(f => f.Name));
        Assert.Equal([5, 25, 100], flags[0].Steps);
        Assert.Equal([100], flags[1].Steps);
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
    public async Task ApplyAsync_SameStatusChangeTwice_LeavesTheSameRowAndKeepsTheRequest()
    {
        var store = NewStore();
        var id = Azurite.UniqueName("rel-");
        await store.TryCreateAsync(Record(id), TestContext.Current.CancellationToken);
        var at = Created.AddMinutes(5);
        var update = ReleaseFunctions.TestSupport.StatusWrites.Change(id, ReleasePhase.Closed, ReleaseStatus.Rejected, "Plan rejected.", at);

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
    public async Task ApplyAsync_TimelineNote_AppendsTheLineAndLeavesTheStatusAlone()
    {
        var store = NewStore();
        var id = Azurite.UniqueName("rel-");
        await store.TryCreateAsync(Record(id), TestContext.Current.CancellationToken);
        await store.ApplyAsync(ReleaseFunctions.TestSupport.StatusWrites.Change(id, ReleasePhase.Closed, ReleaseStatus.Cancelled, "Cancelled: freeze.", Created.AddMinutes(5)),
            TestContext.Current.CancellationToken);

        // A note of the communication timeline, written after the release ended: no phase, its own writer and sequence.
        var note = new TimelineEntry(1, Created.AddMinutes(6), null, "communication", "Communication timeline stopped.", TimelineWriters.Communications);
        await store.ApplyAsync(new TimelineNote(id, note), TestContext.Current.CancellationToken);

        var read = await store.GetAsync(id, TestContext.Current.CancellationToken);
        Assert.Equal((ReleasePhase.Closed, ReleaseStatus.Cancelled, "Cancelled: freeze.", Created.AddMinutes(5)), (read!.Phase, read.Status, read.StatusReason, read.UpdatedAt));
        var timeline = await store.GetTimelineAsync(id, TestContext.Current.CancellationToken);
        Assert.Equal(2, timeline.Count);
        Assert.Equal(note, timeline[1]);
    }

    [Fact]
    public async Task ApplyAsync_LinesOfTwoWritersWithOneSequence_KeepBothRowsAndRewriteEachOnARetry()
    {
        var store = NewStore();
        var id = Azurite.UniqueName("rel-");
        await store.TryCreateAsync(Record(id), TestContext.Current.CancellationToken);
        var at = Created.AddMinutes(5);
        var lifecycle = new TimelineEntry(1, at, ReleasePhase.Planning, "phase", "Planning.");
        var communications = new TimelineEntry(1, at, null, "communication", "Sent t-30: Release announcement (3 recipient(s)).",
            TimelineWriters.Communications, "t-30", CommunicationOutcomes.Sent, 3);

        foreach (var _ in Enumerable.Range(0, 2))
        {
            await store.ApplyAsync(new TimelineNote(id, communications), TestContext.Current.CancellationToken);
            await store.ApplyAsync(new TimelineNote(id, lifecycle), TestContext.Current.CancellationToken);
        }

        // Same time: the writer orders them; every field reads back, the structured ones included.
        Assert.Equal([communications, lifecycle], await store.GetTimelineAsync(id, TestContext.Current.CancellationToken));
        Assert.Equal(
            [TableReleaseStore.TimelineRowKey(TimelineWriters.Communications, 1), TableReleaseStore.TimelineRowKey(TimelineWriters.Lifecycle, 1)],
            new TableClient(Azurite.ConnectionString, TableNames.Releases)
                .Query<TableEntity>(e => e.PartitionKey == id && e.RowKey != TableReleaseStore.RowKey, cancellationToken: TestContext.Current.CancellationToken)
                .Select(e => e.RowKey).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ApplyAsync_WarningChange_SetsAndClearsByCodeLeavingTheStandingAndTimelineAlone()
    {
        var store = NewStore();
        var id = Azurite.UniqueName("rel-");
        await store.TryCreateAsync(Record(id), TestContext.Current.CancellationToken);
        var at = Created.AddMinutes(5);

        await store.ApplyAsync(new WarningChange(id, at, [new ReleaseWarning("stranded", "Stranded.", at), new ReleaseWarning("over-cadence", "Third.", at)], []),
            TestContext.Current.CancellationToken);
        await store.ApplyAsync(WarningChange.Clear(id, at.AddMinutes(1), "stranded"), TestContext.Current.CancellationToken);

        var read = (await store.GetAsync(id, TestContext.Current.CancellationToken))!;
        Assert.Equal(["over-cadence"], read.Warnings!.Select(w => w.Code));
        Assert.Equal(Record(id) with { Request = read.Request, Warnings = read.Warnings }, read);
        Assert.Empty(await store.GetTimelineAsync(id, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<global::Azure.RequestFailedException>(() =>
            store.ApplyAsync(WarningChange.Clear(Azurite.UniqueName("missing-"), at, "stranded"), TestContext.Current.CancellationToken));
    }

    /// <summary>A step's writes as the lifecycle writes them: stage, gates, approvals, a warning set then cleared, a note.</summary>
    private static ReleaseWrite[] StepWrites(string id)
    {
        var at = Created.AddMinutes(5);
        TimelineEntry Line(int sequence, string kind, string message) => new(sequence, at.AddSeconds(sequence), ReleasePhase.Deployment, kind, message);
        var warning = new ReleaseWarning("missing-health-data", "No monitoring data.", at);
        return
        [
            new ReleaseStatusChange(id, at, ReleasePhase.Deployment, ReleaseStatus.Active, "Deploying.", Line(1, "deployment", "Deployment to staging requested."),
                Stage: "deploy:staging", Gates: [new GateItemStatus("backup", "Passed", null)], Risk: "Low"),
            new TimelineNote(id, Line(2, "warning", "No monitoring data.")),
            WarningChange.Raise(id, warning),
            new TimelineNote(id, new TimelineEntry(1, at.AddSeconds(2), null, "communication", "Sent T-1.", TimelineWriters.Communications)),
            new ReleaseStatusChange(id, at.AddSeconds(3), ReleasePhase.Validation, ReleaseStatus.Active, "Validating.", Line(3, "validation", "Validating."),
                Stage: "validation", PendingApprovals: [], TargetDate: new DateOnly(2026, 12, 16)),
            WarningChange.Clear(id, at.AddSeconds(3), "missing-health-data"),
        ];
    }

    [Fact]
    public async Task ApplyAllAsync_StepOfWrites_LeavesWhatApplyingThemOneByOneLeaves()
    {
        var store = NewStore();
        var (batched, oneByOne) = (Azurite.UniqueName("rel-"), Azurite.UniqueName("rel-"));
        await store.TryCreateAsync(Record(batched), TestContext.Current.CancellationToken);
        await store.TryCreateAsync(Record(oneByOne), TestContext.Current.CancellationToken);

        await store.ApplyAllAsync(StepWrites(batched), TestContext.Current.CancellationToken);
        await store.ApplyAllAsync(StepWrites(batched), TestContext.Current.CancellationToken); // a retry changes nothing
        foreach (var update in StepWrites(oneByOne))
        {
            await store.ApplyAsync(update, TestContext.Current.CancellationToken);
        }

        var (a, b) = ((await store.GetAsync(batched, TestContext.Current.CancellationToken))!, (await store.GetAsync(oneByOne, TestContext.Current.CancellationToken))!);
        Assert.Equal((ReleasePhase.Validation, "validation", "Validating.", new DateOnly(2026, 12, 16)), (a.Phase, a.Stage, a.StatusReason, a.Request.TargetDate));
        Assert.Equal((b.Phase, b.Status, b.Stage, b.StatusReason, b.UpdatedAt, b.Risk, b.Request.TargetDate), (a.Phase, a.Status, a.Stage, a.StatusReason, a.UpdatedAt, a.Risk, a.Request.TargetDate));
        Assert.Equal(b.Gates, a.Gates);
        Assert.Empty(a.PendingApprovals ?? []);
        Assert.Equal(b.Warnings?.Count ?? 0, a.Warnings?.Count ?? 0);
        Assert.Null(a.Warnings);
        static IEnumerable<string> Lines(IReadOnlyList<TimelineEntry> t) => t.Select(l => $"{l.Writer} {l.Sequence} {l.Kind} {l.Message} {l.At:O}");
        Assert.Equal(Lines(await store.GetTimelineAsync(oneByOne, TestContext.Current.CancellationToken)), Lines(await store.GetTimelineAsync(batched, TestContext.Current.CancellationToken)));
        Assert.Equal(4, (await store.GetTimelineAsync(batched, TestContext.Current.CancellationToken)).Count);
    }

    [Fact]
    public async Task ApplyAsync_RolloutChange_ReplacesTheStepBarAloneOrInABatchAndReadsItBack()
    {
        var store = NewStore();
        var (alone, batched) = (Azurite.UniqueName("rel-"), Azurite.UniqueName("rel-"));
        await store.TryCreateAsync(Record(alone), TestContext.Current.CancellationToken);
        await store.TryCreateAsync(Record(batched), TestContext.Current.CancellationToken);
        var at = Created.AddMinutes(5);
        RolloutProgress Bar(string first, string second) => new("canary", "Canary",
            [new RolloutStep("canary-10", "10 % of traffic", null, first), new RolloutStep("canary-100", "100 % of traffic", "Billing, Forecasting", second)]);

        await store.ApplyAsync(new RolloutChange(alone, at, Bar(RolloutStates.Holding, RolloutStates.Pending)), TestContext.Current.CancellationToken);
        await store.ApplyAsync(new RolloutChange(alone, at, Bar(RolloutStates.Done, RolloutStates.Requested)), TestContext.Current.CancellationToken);
        await store.ApplyAllAsync(
            [new TimelineNote(batched, new TimelineEntry(1, at, ReleasePhase.Deployment, "deployment", "Holding.")), new RolloutChange(batched, at, Bar(RolloutStates.Failed, RolloutStates.Pending))],
            TestContext.Current.CancellationToken);

        var read = (await store.GetAsync(alone, TestContext.Current.CancellationToken))!;
        Assert.Equal(Bar(RolloutStates.Done, RolloutStates.Requested).Steps, read.Rollout!.Steps);
        Assert.Equal(("canary", "Canary"), (read.Rollout.Strategy, read.Rollout.Kind));
        Assert.Equal((ReleasePhase.Submitted, "Submitted."), (read.Phase, read.StatusReason));
        Assert.Equal(RolloutStates.Failed, (await store.GetAsync(batched, TestContext.Current.CancellationToken))!.Rollout!.Steps[0].State);
        Assert.Null((await store.GetAsync(Record(alone).Request.Id, TestContext.Current.CancellationToken))!.Warnings);
        await Assert.ThrowsAsync<global::Azure.RequestFailedException>(() =>
            store.ApplyAsync(new RolloutChange(Azurite.UniqueName("missing-"), at, Bar(RolloutStates.Pending, RolloutStates.Pending)), TestContext.Current.CancellationToken));
    }
}
