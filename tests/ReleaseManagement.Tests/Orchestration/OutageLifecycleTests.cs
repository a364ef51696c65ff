using ReleaseFunctions.TestSupport;
using ReleaseManagement.Activities;
using ReleaseManagement.Approvals;
using ReleaseManagement.Events;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;
using static ReleaseManagement.Tests.Orchestration.LifecycleHarness;

namespace ReleaseManagement.Tests.Orchestration;

/// <summary>
/// Outages of a dependency waited out by the lifecycle (<see cref="EffectGuard"/>) on the real Durable replay engine: the
/// fake activity throws while its dependency is "down", after the activity's own short retries the release carries a
/// <c>dependency-unavailable</c> warning and tries again on durable timers; past <c>resilience.maxOutage</c> the release
/// manager is told and may retry or skip (where allowed).
/// </summary>
public sealed class OutageLifecycleTests : IAsyncLifetime
{
    private LifecycleHarness _h = null!;

    public async ValueTask InitializeAsync() => _h = await LifecycleHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    private static string Id(string name) => $"{name}-{Guid.NewGuid():N}"[..24];

    /// <summary>Tries one second apart, the release manager asked after <paramref name="maxOutage"/>.</summary>
    private static ReleasePolicy Policy(TimeSpan maxOutage, TimeSpan? firstWait = null) => FastPolicy() with
    {
        Resilience = new ResiliencePolicy
        {
            MaxOutage = maxOutage,
            Backoff = new RetryBackoff { Initial = firstWait ?? TimeSpan.FromSeconds(1), Max = (firstWait ?? TimeSpan.FromSeconds(1)) * 2 },
        },
    };

    private static bool Outage(ReleaseRecord r) => r.Warnings?.Any(w => w.Code == Dependencies.WarningCode) == true;

    private static bool PastMaxOutage(ReleaseRecord r) =>
        r.Warnings?.Any(w => w.Code == Dependencies.WarningCode && w.Message.Contains("resilience.maxOutage", StringComparison.Ordinal)) == true;

    private Task DecideAsync(string id, OutageAction action) =>
        _h.Client.RaiseEventAsync(id, ReleaseEventNames.Outage, new OutageDecision(action, "rm@example.com", "test", DateTimeOffset.UtcNow));

    private int FailedAttempts(string activity, string id) =>
        _h.Failed.Count(f => f.Activity == activity && f.Input switch
        {
            RequestApprovalsInput a => a.ReleaseId == id,
            DeploymentRequest d => d.ReleaseId == id,
            ReleaseEvent e => e.ReleaseId == id,
            ReleaseNotice n => n.ReleaseId == id,
            _ => false,
        });

    [Fact]
    public async Task ApprovalEmails_MailServerDownForAWhile_WarnThenGoOutOnceAndTheWarningClears()
    {
        var id = Id("mail-down");
        var down = true;
        _h.Down = (name, input) => Volatile.Read(ref down) && name == ActivityNames.RequestApprovals && input is RequestApprovalsInput a && a.ReleaseId == id;
        await _h.StartReleaseAsync(Request(id, ReleaseType.Minor), Policy(TimeSpan.FromMinutes(30)));

        await _h.WaitForAsync(id, Outage, "the dependency-unavailable warning", 90);
        var warning = (await _h.Store.GetAsync(id))!.Warnings!.Single(w => w.Code == Dependencies.WarningCode);
        Assert.StartsWith("The mail server is unavailable since ", warning.Message, StringComparison.Ordinal);
        Assert.Contains("the plan approval emails waits", warning.Message, StringComparison.Ordinal);
        Assert.Equal(ReleaseStatus.Active, (await _h.Store.GetAsync(id))!.Status);
        Assert.DoesNotContain(_h.ApprovalRequests, a => a.ReleaseId == id);

        Volatile.Write(ref down, false);
        await _h.SendAllAsync(id, EverythingPasses(id));
        var outcome = await _h.OutcomeAsync(id, 180);

        Assert.Equal(ReleaseStatus.Completed, outcome.Status);
        Assert.Single(_h.ApprovalRequests, a => a.ReleaseId == id && a.Stage == ApprovalStageKeys.Plan && a.Kind == ApprovalKind.Request);
        Assert.True(FailedAttempts(ActivityNames.RequestApprovals, id) >= 5, "the activity's own retries ran before the durable wait");
        Assert.False(Outage((await _h.Store.GetAsync(id))!), "the warning cleared itself");
        Assert.Contains(_h.Timeline(id), t => t.Kind == TimelineKinds.Warning
            && t.Message.StartsWith("The mail server answered again: the plan approval emails done after an outage of", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DeploymentRequest_PipelineDownPastMaxOutage_TellsTheReleaseManagerRefusesSkipAndRetryGoesOn()
    {
        var id = Id("pipe-down");
        var down = true;
        _h.Down = (name, input) => Volatile.Read(ref down) && name == ActivityNames.RequestDeployment && input is DeploymentRequest d && d.ReleaseId == id;
        // Past one second the release manager is asked; the next timed try is an hour away, so only a decision retries.
        await _h.StartReleaseAsync(Request(id, ReleaseType.Patch), Policy(TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)));
        await _h.SendAllAsync(id, EverythingPasses(id));

        await _h.WaitForAsync(id, PastMaxOutage, "the warning past maxOutage", 90);
        await WaitUntilAsync(() => _h.Notices.Any(n => n.ReleaseId == id && n.NoticeId.StartsWith("outage@", StringComparison.Ordinal)), "the release managers' notice");
        var told = _h.Notices.Single(n => n.ReleaseId == id && n.NoticeId.StartsWith("outage@", StringComparison.Ordinal) && n.Recipients.Count > 0);
        Assert.Contains("rm@example.com", told.Recipients);
        Assert.Contains("deployment pipeline", told.Text, StringComparison.Ordinal);
        Assert.Contains("retry it now (it cannot be skipped)", told.Text, StringComparison.Ordinal);

        // A deployment request cannot be skipped: refused, and tried again (still down).
        var failedBefore = FailedAttempts(ActivityNames.RequestDeployment, id);
        await DecideAsync(id, OutageAction.Skip);
        await _h.WaitForAsync(id, _ => _h.Timeline(id).Any(t => t.Message.StartsWith("Skip requested by rm@example.com refused:", StringComparison.Ordinal)), "the refused skip");
        await WaitUntilAsync(() => FailedAttempts(ActivityNames.RequestDeployment, id) >= failedBefore + 5, "the try after the refused skip");
        Assert.DoesNotContain(_h.Deployments, d => d.ReleaseId == id);

        Volatile.Write(ref down, false);
        await DecideAsync(id, OutageAction.Retry);
        var outcome = await _h.OutcomeAsync(id, 180);

        Assert.Equal(ReleaseStatus.Completed, outcome.Status);
        Assert.Single(_h.Deployments, d => d.ReleaseId == id && d.Environment == "integration");
        Assert.Contains(_h.Timeline(id), t => t.Message.StartsWith("Retry requested by rm@example.com:", StringComparison.Ordinal));
        Assert.False(Outage((await _h.Store.GetAsync(id))!), "the warning cleared itself");
    }

    [Fact]
    public async Task ReleaseEvent_EventSinkDownPastMaxOutage_SkipGoesOnWithoutIt()
    {
        var id = Id("sink-down");
        _h.Down = (name, input) => name == ActivityNames.PublishReleaseEvent && input is ReleaseEvent e && e.ReleaseId == id && e.Type == ReleaseEventType.ReleaseStarted;
        await _h.StartReleaseAsync(Request(id, ReleaseType.Patch), Policy(TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)));

        await _h.WaitForAsync(id, PastMaxOutage, "the warning past maxOutage", 90);
        Assert.Contains("retry it now or skip it", (await _h.Store.GetAsync(id))!.Warnings!.Single(w => w.Code == Dependencies.WarningCode).Message, StringComparison.Ordinal);
        await DecideAsync(id, OutageAction.Skip);
        await _h.SendAllAsync(id, EverythingPasses(id));
        var outcome = await _h.OutcomeAsync(id, 180);

        Assert.Equal(ReleaseStatus.Completed, outcome.Status);
        Assert.DoesNotContain(_h.Published, e => e.ReleaseId == id && e.Type == ReleaseEventType.ReleaseStarted);
        Assert.Contains(_h.Published, e => e.ReleaseId == id && e.Type == ReleaseEventType.ReleaseCompleted);
        Assert.Contains(_h.Timeline(id), t => t.Message.StartsWith("Skipped by rm@example.com: the ReleaseStarted event", StringComparison.Ordinal));
        Assert.False(Outage((await _h.Store.GetAsync(id))!), "the warning cleared itself");
    }

    [Fact]
    public async Task Outage_CancelWhileWaiting_EndsCancelledAndClearsTheWarning()
    {
        var id = Id("cancel-down");
        _h.Down = (name, input) => name == ActivityNames.RequestApprovals && input is RequestApprovalsInput a && a.ReleaseId == id;
        await _h.StartReleaseAsync(Request(id, ReleaseType.Minor), Policy(TimeSpan.FromMinutes(30), TimeSpan.FromHours(1)));

        await _h.WaitForAsync(id, Outage, "the dependency-unavailable warning", 90);
        await _h.Client.RaiseEventAsync(id, ReleaseEventNames.Cancel, new CancelRequest("mail is down for the day", "rm@example.com", DateTimeOffset.UtcNow));
        var outcome = await _h.OutcomeAsync(id);

        Assert.Equal(ReleaseStatus.Cancelled, outcome.Status);
        Assert.False(Outage((await _h.Store.GetAsync(id))!), "the warning cleared itself");
        Assert.DoesNotContain(_h.ApprovalRequests, a => a.ReleaseId == id);
    }

    [Fact]
    public async Task OutcomeNotice_MailServerDownForAWhile_GoesOutOnceAndTheWarningClears()
    {
        var id = Id("notice-down");
        var down = true;
        _h.Down = (name, input) => Volatile.Read(ref down) && name == ActivityNames.SendReleaseNotice && input is ReleaseNotice n && n.ReleaseId == id && n.NoticeId == "outcome-cancelled";
        await _h.StartReleaseAsync(Request(id, ReleaseType.Minor), Policy(TimeSpan.FromMinutes(30)));
        await _h.RaiseAsync(id, Milestone(id, "feature-complete"));
        await _h.WaitForAsync(id, r => r.Phase == ReleasePhase.Development, "development");
        await _h.Client.RaiseEventAsync(id, ReleaseEventNames.Cancel, new CancelRequest("scope moved", "rm@example.com", DateTimeOffset.UtcNow));
        await _h.WaitForAsync(id, r => r.Status == ReleaseStatus.Cancelled, "the release cancelled", 90);

        // The communication timeline waits the outage out on its own after the release ended.
        await _h.WaitForAsync(id, Outage, "the dependency-unavailable warning", 90);
        Assert.DoesNotContain(_h.Notices, n => n.ReleaseId == id && n.NoticeId == "outcome-cancelled");
        Volatile.Write(ref down, false);
        await _h.WaitForAsync(id, r => !Outage(r), "the warning cleared", 60);
        await WaitUntilAsync(() => _h.Notices.Any(n => n.ReleaseId == id && n.NoticeId == "outcome-cancelled"), "the outcome notice");

        Assert.Single(_h.Notices, n => n.ReleaseId == id && n.NoticeId == "outcome-cancelled");
        Assert.True(FailedAttempts(ActivityNames.SendReleaseNotice, id) >= 5, "the notice failed its own retries first");
        var comms = await _h.Client.WaitForInstanceCompletionAsync(id + "-comms", TestContext.Current.CancellationToken);
        Assert.Equal(Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Completed, comms.RuntimeStatus);
        Assert.Equal(ReleaseStatus.Cancelled, (await _h.OutcomeAsync(id)).Status);
    }

    private static Task WaitUntilAsync(Func<bool> condition, string what, int seconds = 90) =>
        Eventually.UntilAsync(() => Task.FromResult(condition()), done => done, TimeSpan.FromSeconds(seconds), what);
}
