using ReleaseManagement.Orchestration;
using ReleaseManagement.Releases;
using static ReleaseManagement.Tests.Orchestration.LifecycleHarness;

namespace ReleaseManagement.Tests.Orchestration;

/// <summary>
/// Lifecycle version 3 (issue 16, point 4): the status lines of a step are written together by one
/// <c>RecordReleaseStatuses</c> activity before the orchestration's next durable action, not one activity each. On the
/// real Durable replay engine, beside a version-2 release that keeps writing one line per activity.
/// </summary>
public sealed class BatchedStatusLifecycleTests : IAsyncLifetime
{
    private LifecycleHarness _h = null!;

    public async ValueTask InitializeAsync() => _h = await LifecycleHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    private static string Id(string name) => $"{name}-{Guid.NewGuid():N}"[..24];

    [Fact]
    public async Task BatchedStatus_SameRelease_Version3WritesTheVersion2TimelineInFewerActivities()
    {
        var v2 = await _h.StartReleaseAsync(Request(Id("v2"), ReleaseType.Patch), version: 2);
        var v3 = await _h.StartReleaseAsync(Request(Id("v3"), ReleaseType.Patch), version: 3);
        await _h.SendAllAsync(v2, EverythingPasses(v2));
        await _h.SendAllAsync(v3, EverythingPasses(v3));

        Assert.Equal(ReleaseStatus.Completed, (await _h.OutcomeAsync(v2)).Status);
        Assert.Equal(ReleaseStatus.Completed, (await _h.OutcomeAsync(v3)).Status);

        // The lifecycle's own lines (the communications sub-orchestration numbers its notes from 1,000,000 and writes each
        // itself, in every version): the same, numbered the same, in the same order; and the same final projection.
        static string[] Lines(IEnumerable<TimelineEntry> timeline) =>
            timeline.Where(t => t.Sequence < 1_000_000).OrderBy(t => t.Sequence).Select(t => $"{t.Sequence} {t.Phase} {t.Kind}: {t.Message}").ToArray();
        var (lines2, lines3) = (Lines(_h.Timeline(v2)), Lines(_h.Timeline(v3)));
        Assert.Equal(lines2, lines3);
        var (record2, record3) = ((await _h.Store.GetAsync(v2))!, (await _h.Store.GetAsync(v3))!);
        Assert.Equal((record2.Status, record2.Phase, record2.Stage, record2.StatusReason), (record3.Status, record3.Phase, record3.Stage, record3.StatusReason));

        // Version 2: one activity per line. Version 3: several lines per activity, every line written once, in order.
        int Notes(string id) => _h.Timeline(id).Count(t => t.Sequence >= 1_000_000);
        Assert.Equal(lines2.Length, _h.StatusActivities[v2] - Notes(v2));
        var batches = _h.StatusActivities[v3] - Notes(v3);
        Assert.True(batches * 2 <= lines3.Length, $"version 3 ran {batches} status activities for {lines3.Length} lines (version 2: {lines2.Length})");
        var written = _h.Store.Updates.Where(u => u.ReleaseId == v3 && u.Timeline!.Sequence < 1_000_000).Select(u => u.Timeline!.Sequence);
        Assert.Equal(Enumerable.Range(1, lines3.Length), written);
    }

    [Fact]
    public async Task BatchedStatus_Version3WaitingForAnApproval_ProjectionShowsTheStageAndWhoIsAsked()
    {
        _h.Approve = _ => null; // approvers stay silent: the release waits on its plan approval
        var id = await _h.StartReleaseAsync(Request(Id("wait"), ReleaseType.Patch), version: 3);

        // Only the lines written before the wait can make the projection show it: nothing else runs while it waits.
        await _h.WaitForAsync(id, r => r.PendingApprovals?.Count > 0, "the plan approval to be asked");
        var asked = Assert.Single(_h.ApprovalRequests, r => r.ReleaseId == id);
        var record = (await _h.Store.GetAsync(id))!;
        Assert.Equal(asked.Stage, record.Stage);
        Assert.Contains(_h.Timeline(id), t => t.Kind == TimelineKinds.Approval && t.Message.StartsWith($"Awaiting {asked.Stage} approval from ", StringComparison.Ordinal));
    }
}
