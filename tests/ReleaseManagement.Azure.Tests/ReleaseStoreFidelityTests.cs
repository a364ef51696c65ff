using System.Text.Json;
using ReleaseManagement.Azure.Storage;
using ReleaseManagement.Azure.Tables;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;
using ReleaseManagement.Tests.Orchestration;

namespace ReleaseManagement.Azure.Tests;

/// <summary>
/// The lifecycle tests run on an in-memory release store; this holds it to the table store: the same updates applied to
/// both leave the same record, timeline and list answers. (A difference here once let a timeline-only note make a
/// cancelled release read Active in the lifecycle tests only.)
/// </summary>
public sealed class ReleaseStoreFidelityTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 9, 30, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IReadOnlyList<ReleaseStatusUpdate> Updates(string id) =>
    [
        new(id, ReleasePhase.Planning, ReleaseStatus.Active, "Awaiting plan approval.", T0.AddMinutes(1), Stage: "plan",
            PendingApprovals: [new PendingApproval("plan", ["product-owner", "technical-lead"], T0.AddDays(2),
                [new GateItemStatus("planning-scope", "Failed", "declined")], "the gate is failing (planning-scope).")], Risk: "Medium: staged rollout",
            Timeline: new TimelineEntry(1, T0.AddMinutes(1), ReleasePhase.Planning, "approval", "Plan approval requested.")),
        new(id, ReleasePhase.Development, ReleaseStatus.Active, "Development gate.", T0.AddMinutes(2), PendingApprovals: [],
            Gates: [new GateItemStatus("coverage", "Passed", "84 % >= 80 %"), new GateItemStatus("vulnerabilities", "Pending", null)]),
        new(id, ReleasePhase.Planning, ReleaseStatus.Active, "Sent T-7.", T0.AddMinutes(3), TimelineOnly: true,
            Timeline: new TimelineEntry(1_000_001, T0.AddMinutes(3), ReleasePhase.Planning, "communication", "Sent T-7."),
            Warnings: [new ReleaseWarning("notice-not-sent", "T-14 not sent: audience users has no recipients.", T0.AddMinutes(3))]),
        new(id, ReleasePhase.Development, ReleaseStatus.Active, "Watch without data.", T0.AddMinutes(3),
            Warnings: [new ReleaseWarning("missing-health-data", "Watch had no health data.", T0.AddMinutes(3)),
                new ReleaseWarning("notice-not-sent", "T-7 not sent: audience users has no recipients.", T0.AddMinutes(3))]),
        new(id, ReleasePhase.Development, ReleaseStatus.Active, "Notice sent.", T0.AddMinutes(3), ClearedWarnings: ["notice-not-sent"]),
        new(id, ReleasePhase.Development, ReleaseStatus.Active, "Target date moved.", T0.AddMinutes(4), TargetDate: new DateOnly(2026, 12, 22),
            Timeline: new TimelineEntry(2, T0.AddMinutes(4), ReleasePhase.Development, "reschedule", "Target date moved to 2026-12-22.")),
        new(id, ReleasePhase.Closed, ReleaseStatus.Cancelled, "Cancelled: freeze.", T0.AddMinutes(5),
            Timeline: new TimelineEntry(3, T0.AddMinutes(5), ReleasePhase.Closed, "cancel", "Cancelled by rm@example.com.")),
        new(id, ReleasePhase.Planning, ReleaseStatus.Active, "Skipped T-1.", T0.AddMinutes(6), TimelineOnly: true,
            Timeline: new TimelineEntry(1_000_002, T0.AddMinutes(6), ReleasePhase.Planning, "communication", "Skipped T-1.")),
        // A retried step writes its line again.
        new(id, ReleasePhase.Closed, ReleaseStatus.Cancelled, "Cancelled: freeze.", T0.AddMinutes(5),
            Timeline: new TimelineEntry(3, T0.AddMinutes(5), ReleasePhase.Closed, "cancel", "Cancelled by rm@example.com.")),
    ];

    private static async Task<string> ApplyAndReadAsync(IReleaseStore store, string id, int count)
    {
        var request = new ReleaseRequest(id, "December release", ReleaseType.Minor, ["Billing", "Forecasting"], new DateOnly(2026, 12, 15), "rm@example.com",
            ChangeCategory: Policy.ChangeCategory.Normal, Impact: Policy.RiskRating.High, Probability: Policy.RiskRating.High,
            Scope: [new ScopeItem("Invoice export", ScopeKind.Feature, "https://tracker.example.com/BILL-1"), new ScopeItem("TLS only", ScopeKind.Security)],
            Notes: "One week buffer.", ReclassifiedFrom: Policy.ChangeCategory.Standard);
        Assert.True(await store.TryCreateAsync(new ReleaseRecord(request, T0, ReleasePhase.Submitted, ReleaseStatus.Active, "Submitted.", T0), Ct));
        foreach (var update in Updates(id).Take(count))
        {
            await store.ApplyAsync(update, Ct);
        }

        var record = await store.GetAsync(id, Ct);
        var timeline = await store.GetTimelineAsync(id, Ct);
        var listed = (await store.ListAsync(new ReleaseQuery(Status: record!.Status, Type: ReleaseType.Minor, System: "billing"), Ct))
            .Any(r => r.Request.Id == id);
        return JsonSerializer.Serialize(new { record, timeline, listed });
    }

    public static TheoryData<int> Steps => new(Enumerable.Range(0, 11));

    [Theory]
    [MemberData(nameof(Steps))]
    public async Task InMemoryStore_AfterTheSameUpdates_ReadsLikeTheTableStore(int steps)
    {
        var id = Azurite.UniqueName("fid-");
        var table = await ApplyAndReadAsync(new TableReleaseStore(StorageClients.FromConnectionString(Azurite.ConnectionString).Tables), id, steps);
        var memory = await ApplyAndReadAsync(new InMemoryReleaseStore(), id, steps);

        Assert.Equal(table, memory);
    }

    [Fact]
    public async Task ListAsync_ByTargetDateRange_BothEndsInclusiveAndFollowsAMovedDate()
    {
        IReleaseStore[] stores = [new TableReleaseStore(StorageClients.FromConnectionString(Azurite.ConnectionString).Tables), new InMemoryReleaseStore()];
        foreach (var store in stores)
        {
            var id = Azurite.UniqueName("range-");
            var request = new ReleaseRequest(id, "Range", ReleaseType.Patch, ["Billing"], new DateOnly(2031, 3, 4));
            Assert.True(await store.TryCreateAsync(new ReleaseRecord(request, T0, ReleasePhase.Submitted, ReleaseStatus.Active, "Submitted.", T0), Ct));

            async Task<bool> Listed(DateOnly? from, DateOnly? to) =>
                (await store.ListAsync(new ReleaseQuery(Max: int.MaxValue, TargetFrom: from, TargetTo: to), Ct)).Any(r => r.Request.Id == id);

            Assert.True(await Listed(new DateOnly(2031, 3, 4), new DateOnly(2031, 3, 4)));
            Assert.True(await Listed(new DateOnly(2031, 2, 1), null));
            Assert.False(await Listed(new DateOnly(2031, 3, 5), null));
            Assert.False(await Listed(null, new DateOnly(2031, 3, 3)));
            await store.ApplyAsync(new ReleaseStatusUpdate(id, ReleasePhase.Planning, ReleaseStatus.Active, "Moved.", T0, TargetDate: new DateOnly(2031, 3, 11)), Ct);
            Assert.False(await Listed(new DateOnly(2031, 3, 4), new DateOnly(2031, 3, 4)));
            Assert.True(await Listed(new DateOnly(2031, 3, 11), new DateOnly(2031, 3, 11)));
        }
    }
}
