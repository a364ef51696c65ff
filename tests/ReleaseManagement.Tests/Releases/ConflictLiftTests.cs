using ReleaseManagement.Activities;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;
using ReleaseManagement.Tests.Orchestration;

namespace ReleaseManagement.Tests.Releases;

/// <summary>
/// A release that ends no longer shows in the <c>window-conflict</c> warnings of the other releases of its production
/// window: their pages judge their conflicts when read (<see cref="AdmissionWriter.CurrentWarningsAsync"/>), and the status
/// activity (<see cref="RecordReleaseStatus"/>) writes the final status without writing to the other releases.
/// </summary>
public sealed class ConflictLiftTests
{
    private static readonly ReleasePolicy Policy = ReleasePolicyDefaults.Create();
    private static readonly DateOnly Tuesday = new(2026, 12, 15);
    private static readonly DateTimeOffset Requested = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Ended = Requested.AddDays(20);

    private static ReleaseRequest Request(string id) => new(id, "Release " + id, ReleaseType.Minor, ["Billing"], Tuesday);

    /// <summary>Stores the releases, each with the conflict warning the request handler would have written.</summary>
    private static async Task<InMemoryReleaseStore> StoreAsync(params string[] ids)
    {
        var store = new InMemoryReleaseStore();
        var records = ids.Select(id => new ReleaseRecord(Request(id), Requested, ReleasePhase.Planning, ReleaseStatus.Active, null, Requested)).ToArray();
        foreach (var record in records)
        {
            var warnings = ReleaseAdmission.Check(Policy, record.Request, records).Warnings(Requested).Where(w => w.Code == AdmissionWarnings.WindowConflict).ToArray();
            Assert.True(await store.TryCreateAsync(record with { Warnings = warnings }));
        }

        return store;
    }

    private static ReleaseStatusChange Final(string id, ReleaseStatus status) =>
        new(id, Ended, ReleasePhase.Closed, status, $"Ended {status}.", new TimelineEntry(9, Ended, ReleasePhase.Closed, TimelineKinds.Outcome, $"Ended {status}."),
            "closed", PendingApprovals: []);

    private static ReleaseStatusChange Developing(string id) =>
        ReleaseFunctions.TestSupport.StatusWrites.Change(id, ReleasePhase.Development, ReleaseStatus.Active, "Developing.", Ended, "development", sequence: 8);

    private static RecordReleaseStatus Activity(InMemoryReleaseStore store) => new(store, new ReleaseFunctions.TestSupport.InMemoryAuditTrail());

    /// <summary>The conflict warning of release <paramref name="id"/> as its page shows it.</summary>
    private static async Task<string?> ConflictWarningAsync(InMemoryReleaseStore store, string id) =>
        (await new AdmissionWriter(store, Policy).CurrentWarningsAsync((await store.GetAsync(id))!, Ended, TestContext.Current.CancellationToken))?
            .SingleOrDefault(w => w.Code == AdmissionWarnings.WindowConflict)?.Message;

    [Theory]
    [InlineData(ReleaseStatus.Completed)]
    [InlineData(ReleaseStatus.Rejected)]
    [InlineData(ReleaseStatus.RolledBack)]
    [InlineData(ReleaseStatus.Failed)]
    [InlineData(ReleaseStatus.Cancelled)]
    public async Task RunAsync_FinalStatusOfTheOnlyConflictingRelease_ClearsTheOthersWarning(ReleaseStatus status)
    {
        var store = await StoreAsync("a", "b");
        Assert.Contains("b (target 2026-12-15, Billing)", await ConflictWarningAsync(store, "a"), StringComparison.Ordinal);

        await Activity(store).RunAsync([Final("b", status)], TestContext.Current.CancellationToken);

        Assert.Null(await ConflictWarningAsync(store, "a"));
        Assert.Equal(status, (await store.GetAsync("b"))!.Status);
    }

    [Fact]
    public async Task RunAsync_OneOfThreeConflictingReleasesEnds_OthersNameOnlyEachOtherAndARetryWritesNothing()
    {
        var store = await StoreAsync("a", "b", "c");

        await Activity(store).RunAsync([Final("b", ReleaseStatus.Rejected)], TestContext.Current.CancellationToken);

        var a = await ConflictWarningAsync(store, "a");
        var c = await ConflictWarningAsync(store, "c");
        Assert.Contains("c (target 2026-12-15, Billing)", a, StringComparison.Ordinal);
        Assert.DoesNotContain("b (target", a, StringComparison.Ordinal);
        Assert.Contains("a (target 2026-12-15, Billing)", c, StringComparison.Ordinal);
        Assert.DoesNotContain("b (target", c, StringComparison.Ordinal);

        // The activity retried: only its own row again, nothing written to the others.
        var writes = store.Writes.Count;
        await Activity(store).RunAsync([Final("b", ReleaseStatus.Rejected)], TestContext.Current.CancellationToken);
        Assert.Equal(writes + 1, store.Writes.Count);
        Assert.Equal((a, c), (await ConflictWarningAsync(store, "a"), await ConflictWarningAsync(store, "c")));
    }

    [Fact]
    public async Task RunAsync_StepEndingTheRelease_ClearsTheOthersWarning()
    {
        // The lifecycle writes a step's lines in one activity: the final status among them lifts the conflict too.
        var store = await StoreAsync("a", "b");

        await Activity(store).RunAsync(
            [
                Developing("b"),
                new TimelineNote("b", new TimelineEntry(1, Ended, null, TimelineKinds.Communication, "Sent t-1d.", TimelineWriters.Communications)),
                Final("b", ReleaseStatus.Rejected),
            ],
            TestContext.Current.CancellationToken);

        Assert.Null(await ConflictWarningAsync(store, "a"));
        Assert.Equal(ReleaseStatus.Rejected, (await store.GetAsync("b"))!.Status);
    }

    [Fact]
    public async Task RunAsync_StatusUpdateOfAnActiveRelease_KeepsTheOthersWarning()
    {
        var store = await StoreAsync("a", "b");
        var before = await ConflictWarningAsync(store, "a");

        await Activity(store).RunAsync([Developing("b")], TestContext.Current.CancellationToken);

        Assert.NotNull(before);
        Assert.Equal(before, await ConflictWarningAsync(store, "a"));
    }

    [Fact]
    public async Task CurrentWarningsAsync_ThirdReleaseJoinsTheWindow_NamesItWithoutAWriteToTheOthers()
    {
        var store = await StoreAsync("a", "b");
        var writes = store.Writes.Count;
        var c = new ReleaseRecord(Request("c"), Requested, ReleasePhase.Planning, ReleaseStatus.Active, null, Requested);
        var check = ReleaseAdmission.Check(Policy, c.Request, await new AdmissionWriter(store, Policy).NeighboursAsync(c.Request, TestContext.Current.CancellationToken));
        Assert.True(await store.TryCreateAsync(c));

        await new AdmissionWriter(store, Policy).WarnAsync(check, c, replace: false, Requested, TestContext.Current.CancellationToken);

        Assert.Equal(writes + 1, store.Writes.Count);
        Assert.Contains("c (target 2026-12-15, Billing)", await ConflictWarningAsync(store, "a"), StringComparison.Ordinal);
        Assert.Contains("a (target 2026-12-15, Billing); b (target 2026-12-15, Billing)", await ConflictWarningAsync(store, "c"), StringComparison.Ordinal);
        Assert.DoesNotContain("c (target", (await store.GetAsync("a"))!.Warnings!.Single(w => w.Code == AdmissionWarnings.WindowConflict).Message, StringComparison.Ordinal);
    }
}
