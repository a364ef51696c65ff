using System.Text.Json;
using ReleaseManagement.Azure.Storage;
using ReleaseManagement.Azure.Tables;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;
using ReleaseManagement.Tests.Orchestration;

namespace ReleaseManagement.Azure.Tests;

/// <summary>
/// The lifecycle tests run on an in-memory release store; this holds it to the table store: the same writes applied to
/// both leave the same record, timeline and list answers. (A difference here once let a timeline note make a cancelled
/// release read Active in the lifecycle tests only.)
/// </summary>
public sealed class ReleaseStoreFidelityTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 9, 30, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static TimelineEntry Line(int sequence, int minute, ReleasePhase phase, string kind, string message) =>
        new(sequence, T0.AddMinutes(minute), phase, kind, message);

    private static TimelineEntry Communication(int sequence, int minute, string message, string? subject = null, string? outcome = null, int? recipients = null) =>
        new(sequence, T0.AddMinutes(minute), null, "communication", message, TimelineWriters.Communications, subject, outcome, recipients);

    /// <summary>What the writers write, in an order they could: the lifecycle's changes, the communication timeline's notes, warnings.</summary>
    private static IReadOnlyList<ReleaseWrite> Writes(string id) =>
    [
        new ReleaseStatusChange(id, T0.AddMinutes(1), ReleasePhase.Planning, ReleaseStatus.Active, "Awaiting plan approval.",
            Line(1, 1, ReleasePhase.Planning, "approval", "Plan approval requested."), Stage: "plan",
            PendingApprovals: [new PendingApproval("plan", ["product-owner", "technical-lead"], T0.AddDays(2),
                [new GateItemStatus("planning-scope", "Failed", "declined")], "the gate is failing (planning-scope).")], Risk: "Medium: staged rollout"),
        new ReleaseStatusChange(id, T0.AddMinutes(2), ReleasePhase.Development, ReleaseStatus.Active, "Development gate.",
            Line(2, 2, ReleasePhase.Development, "gate", "Development gate."), PendingApprovals: [],
            Gates: [new GateItemStatus("coverage", "Passed", "84 % >= 80 %"), new GateItemStatus("vulnerabilities", "Pending", null)]),
        // The communication timeline numbers its lines from 1 too: its rows are its own.
        new TimelineNote(id, Communication(1, 3, "Sent T-7.", "t-7", CommunicationOutcomes.Sent, 4)),
        WarningChange.Raise(id, new ReleaseWarning("notice-not-sent", "T-14 not sent: audience users has no recipients.", T0.AddMinutes(3))),
        new ReleaseStatusChange(id, T0.AddMinutes(3), ReleasePhase.Development, ReleaseStatus.Active, "Watch without data.",
            Line(3, 3, ReleasePhase.Development, "warning", "Watch had no health data.")),
        new WarningChange(id, T0.AddMinutes(3), [new ReleaseWarning("missing-health-data", "Watch had no health data.", T0.AddMinutes(3)),
            new ReleaseWarning("notice-not-sent", "T-7 not sent: audience users has no recipients.", T0.AddMinutes(3))], []),
        WarningChange.Clear(id, T0.AddMinutes(3), "notice-not-sent"),
        new ReleaseStatusChange(id, T0.AddMinutes(4), ReleasePhase.Development, ReleaseStatus.Active, "Target date moved.",
            Line(4, 4, ReleasePhase.Development, "reschedule", "Target date moved to 2026-12-22."), TargetDate: new DateOnly(2026, 12, 22)),
        new ReleaseStatusChange(id, T0.AddMinutes(5), ReleasePhase.Closed, ReleaseStatus.Cancelled, "Cancelled: freeze.",
            Line(5, 5, ReleasePhase.Closed, "cancel", "Cancelled by rm@example.com.")),
        new TimelineNote(id, Communication(2, 6, "Communication timeline stopped: cancelled.")),
        // A retried step writes its line again.
        new ReleaseStatusChange(id, T0.AddMinutes(5), ReleasePhase.Closed, ReleaseStatus.Cancelled, "Cancelled: freeze.",
            Line(5, 5, ReleasePhase.Closed, "cancel", "Cancelled by rm@example.com.")),
    ];

    private static async Task<string> ApplyAndReadAsync(IReleaseStore store, string id, int count)
    {
        var request = new ReleaseRequest(id, "December release", ReleaseType.Minor, ["Billing", "Forecasting"], new DateOnly(2026, 12, 15), "rm@example.com",
            ChangeCategory: Policy.ChangeCategory.Normal, Impact: Policy.RiskRating.High, Probability: Policy.RiskRating.High,
            Scope: [new ScopeItem("Invoice export", ScopeKind.Feature, "https://tracker.example.com/BILL-1"), new ScopeItem("TLS only", ScopeKind.Security)],
            Notes: "One week buffer.", ReclassifiedFrom: Policy.ChangeCategory.Standard);
        Assert.True(await store.TryCreateAsync(new ReleaseRecord(request, T0, ReleasePhase.Submitted, ReleaseStatus.Active, "Submitted.", T0), Ct));
        foreach (var write in Writes(id).Take(count))
        {
            await store.ApplyAsync(write, Ct);
        }

        var record = await store.GetAsync(id, Ct);
        var timeline = await store.GetTimelineAsync(id, Ct);
        var listed = (await store.ListAsync(new ReleaseQuery(Status: record!.Status, Type: ReleaseType.Minor, System: "billing"), Ct))
            .Any(r => r.Request.Id == id);
        return JsonSerializer.Serialize(new { record, timeline, listed });
    }

    public static TheoryData<int> Steps => new(Enumerable.Range(0, Writes("count").Count + 1));

    [Theory]
    [MemberData(nameof(Steps))]
    public async Task InMemoryStore_AfterTheSameWrites_ReadsLikeTheTableStore(int steps)
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
            await store.ApplyAsync(ReleaseFunctions.TestSupport.StatusWrites.Change(id, ReleasePhase.Planning, ReleaseStatus.Active, "Moved.", T0, targetDate: new DateOnly(2031, 3, 11)), Ct);
            Assert.False(await Listed(new DateOnly(2031, 3, 4), new DateOnly(2031, 3, 4)));
            Assert.True(await Listed(new DateOnly(2031, 3, 11), new DateOnly(2031, 3, 11)));
        }
    }
}
