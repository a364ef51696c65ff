using ReleaseManagement.Orchestration;
using ReleaseManagement.Releases;
using static ReleaseManagement.Tests.Orchestration.LifecycleHarness;

namespace ReleaseManagement.Tests.Orchestration;

/// <summary>
/// How the orchestrations report (issue 16, point 4; issue 23, point 2), on the real Durable replay engine: the lifecycle
/// keeps a step's writes (status changes, notes, warnings) and writes them together in one <c>RecordReleaseStatus</c>
/// activity before its next durable action; the communication timeline writes its own lines, numbered by itself.
/// </summary>
public sealed class StatusWritesLifecycleTests : IAsyncLifetime
{
    private LifecycleHarness _h = null!;

    public async ValueTask InitializeAsync() => _h = await LifecycleHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    private static string Id(string name) => $"{name}-{Guid.NewGuid():N}"[..24];

    private static TimelineEntry? LineOf(ReleaseWrite write) => write switch
    {
        ReleaseStatusChange c => c.Line,
        TimelineNote n => n.Line,
        _ => null,
    };

    [Fact]
    public async Task StatusWrites_ReleaseRunsThrough_EachWritersLinesNumberedOnceInOrderAndSeveralPerActivity()
    {
        var id = await _h.StartReleaseAsync(Request(Id("writes"), ReleaseType.Patch));
        await _h.SendAllAsync(id, EverythingPasses(id));

        Assert.Equal(ReleaseStatus.Completed, (await _h.OutcomeAsync(id)).Status);
        var written = _h.Store.Writes.Where(w => w.ReleaseId == id).ToArray();
        var lines = written.Select(LineOf).OfType<TimelineEntry>().ToArray();

        // Each writer numbers its own lines 1, 2, 3...: every line written once, in order (nothing failed, so nothing retried).
        var lifecycle = lines.Where(l => l.Writer == TimelineWriters.Lifecycle).Select(l => l.Sequence).ToArray();
        var communications = lines.Where(l => l.Writer == TimelineWriters.Communications).Select(l => l.Sequence).ToArray();
        Assert.Equal(Enumerable.Range(1, lifecycle.Length), lifecycle);
        Assert.Equal(Enumerable.Range(1, communications.Length), communications);
        Assert.NotEmpty(communications);
        Assert.Equal(lines.Length, _h.Timeline(id).Count);

        // The lifecycle's lines carry its phase; the communication timeline's none. Only the lifecycle changes the standing.
        Assert.All(lines.Where(l => l.Writer == TimelineWriters.Lifecycle), l => Assert.NotNull(l.Phase));
        Assert.All(lines.Where(l => l.Writer == TimelineWriters.Communications), l => Assert.Null(l.Phase));
        Assert.All(written.OfType<ReleaseStatusChange>(), c => Assert.Equal(TimelineWriters.Lifecycle, c.Line.Writer));
        Assert.Contains(written, w => w is TimelineNote { Line.Writer: TimelineWriters.Lifecycle, Line.Kind: TimelineKinds.Milestone });
        Assert.Equal(TimelineKinds.Outcome, written.OfType<ReleaseStatusChange>().Last().Line.Kind);

        // A communication line says which notice and how it went, in fields: a reader never parses the message.
        var sent = Assert.Single(_h.Timeline(id), t => t.Outcome == CommunicationOutcomes.Sent && t.Subject == "post-deployment-report");
        Assert.Equal(TimelineKinds.Communication, sent.Kind);
        Assert.True(sent.Recipients > 0);
        Assert.All(_h.Timeline(id).Where(t => t.Outcome == CommunicationOutcomes.Missed), t => Assert.StartsWith($"Missed {t.Subject}:", t.Message, StringComparison.Ordinal));

        // The communication timeline writes each line in its own activity; the lifecycle keeps a step's lines together.
        var batches = _h.StatusActivities[id] - communications.Length;
        Assert.True(batches * 2 <= lifecycle.Length, $"the lifecycle ran {batches} status activities for {lifecycle.Length} lines");
    }

    [Fact]
    public async Task StatusWrites_WaitingForAnApproval_ProjectionShowsTheStageAndWhoIsAsked()
    {
        _h.Approve = _ => null; // approvers stay silent: the release waits on its plan approval
        var id = await _h.StartReleaseAsync(Request(Id("wait"), ReleaseType.Patch));

        // Only the lines written before the wait can make the projection show it: nothing else runs while it waits.
        await _h.WaitForAsync(id, r => r.PendingApprovals?.Count > 0, "the plan approval to be asked");
        var asked = Assert.Single(_h.ApprovalRequests, r => r.ReleaseId == id);
        var record = (await _h.Store.GetAsync(id))!;
        Assert.Equal(asked.Stage, record.Stage);
        Assert.Contains(_h.Timeline(id), t => t.Kind == TimelineKinds.Approval && t.Message.StartsWith($"Awaiting {asked.Stage} approval from ", StringComparison.Ordinal));
    }
}
