using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ReleaseManagement.Approvals;
using ReleaseManagement.Events;
using ReleaseManagement.Metrics;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Tests.Orchestration.SimulatedTime;

/// <summary>
/// Issue 28, point 4: ninety days of the procedure's calendar for one system (Billing) on the real orchestrators and the
/// in-process engine, on a simulated clock (<see cref="SimulatedClock"/>, <see cref="SimulatedTimeContext"/>: the calendar
/// stands still while the system works and jumps to the next timer or agenda entry when it is quiet). A
/// quarterly major, monthly minors, fortnightly patches and a hotfix a week are requested with the procedure's lead times and
/// go through their approvals, promotions, production windows (Tuesday and Thursday 20:00), 24-hour watches, hotfix reviews
/// and the T-30 … T+1 notices at their real times; one patch is rejected at its plan approval, one minor cancelled and one
/// hotfix rolled back after its watch finds it failing. The daily rollup and the monthly and quarterly reports run at their
/// schedules on a <see cref="FakeTimeProvider"/> that follows the same calendar, over stores that count the rows they return.
/// </summary>
[ReleaseFunctions.TestSupport.StartFirst]
public sealed class SimulatedCalendarTests
{
    /// <summary>Monday 4 January 2027, 00:00 UTC: day 0 of the calendar.</summary>
    private static readonly DateTimeOffset Epoch = new(2027, 1, 4, 0, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset Day(int day, int hour = 0) => Epoch.AddDays(day).AddHours(hour);

    private static DateOnly Date(int day) => DateOnly.FromDateTime(Epoch.AddDays(day).UtcDateTime);

    /// <summary>
    /// The built-in policy, with the procedure's durations (days of notice, the approvals' timeouts and reminders, the
    /// production checks' freshness, the 24-hour watch, the five-day hotfix review), in UTC.
    /// </summary>
    private static ReleasePolicy Policy() => ReleasePolicyDefaults.Create() with { TimeZone = "UTC" };

    [Fact]
    public async Task NinetyDays_ProcedureCadenceForOneSystem_ReleasesEndAsDrivenNoticesGoOnceAndTimersStayFlat()
    {
        var clock = new SimulatedClock(Epoch);
        await using var h = await LifecycleHarness.StartAsync(clock);
        var policy = Policy();
        var world = new SimulatedWorld(h, policy);
        var jobs = new ScheduledJobs(h, policy);

        // The calendar (targets on the Tuesday and Thursday windows): a major 36 days out, minors 31 days out, patches 10
        // days out (inside their 7-14 day horizon: T-30 is missed and T-14 goes out late), a hotfix each Wednesday for the day.
        var expected = new Dictionary<string, ReleaseStatus>(StringComparer.Ordinal);
        void Plan(string id, ReleaseType type, int requestDay, int targetDay, ReleaseStatus outcome)
        {
            world.Request(Day(requestDay, 9), id, type, Date(targetDay));
            expected[id] = outcome;
        }

        Plan("major-1", ReleaseType.Major, 0, 36, ReleaseStatus.Completed);
        for (var i = 0; i < 3; i++)
        {
            Plan($"minor-{i + 1}", ReleaseType.Minor, 28 * i, 31 + (28 * i), i == 1 ? ReleaseStatus.Cancelled : ReleaseStatus.Completed);
        }

        for (var i = 0; i < 6; i++)
        {
            Plan($"patch-{i + 1}", ReleaseType.Patch, 14 * i, 10 + (14 * i), i == 2 ? ReleaseStatus.Rejected : ReleaseStatus.Completed);
        }

        for (var i = 0; i < 13; i++)
        {
            Plan($"hotfix-{i + 1:00}", ReleaseType.Hotfix, 2 + (7 * i), 2 + (7 * i), i == 5 ? ReleaseStatus.RolledBack : ReleaseStatus.Completed);
        }

        // The world's drivers: patch-3's technical lead rejects its plan; minor-2 is descoped 12 days after its request;
        // hotfix-06 fails in production (its watch's reading breaches the error-rate threshold).
        h.ApproveRequest = a => a.ReleaseId == "patch-3" && a.Stage == ApprovalStageKeys.Plan ? false : null;
        world.At(Day(40, 10), "cancel minor-2", () =>
            h.Client.RaiseEventAsync("minor-2", ReleaseEventNames.Cancel, new CancelRequest("Descoped.", "rm@example.com", h.Now)));
        h.MonitorReading = id => id == "hotfix-06" ? SimulatedWorld.Failing(id, h.Now) : LifecycleHarness.Healthy(id) with { At = h.Now };
        h.Reading = q => LifecycleHarness.Healthy(q.ReleaseId) with { At = h.Now };
        jobs.Schedule(world, days: 92);

        clock.Start();
        var started = DateTimeOffset.UtcNow;
        bool AllClosed() => expected.Keys.All(id => world.Releases.ContainsKey(id) && h.Store.GetAsync(id).GetAwaiter().GetResult()?.Phase == ReleasePhase.Closed);
        // The deadline only bounds a hang: alone the calendar takes under three minutes of real time (the engine's work: the
        // calendar stands still meanwhile), beside the project's other tests in a full run longer.
        await world.RunUntilAsync(AllClosed, TimeSpan.FromMinutes(12));
        var wall = DateTimeOffset.UtcNow - started;
        var endedOn = h.Now;

        // 1. Every release ended as the world drove it.
        var outcomes = new Dictionary<string, ReleaseStatus>(StringComparer.Ordinal);
        foreach (var id in expected.Keys)
        {
            outcomes[id] = (await h.OutcomeAsync(id, seconds: 60)).Status;
        }

        Assert.Equal(expected.OrderBy(kv => kv.Key), outcomes.OrderBy(kv => kv.Key));

        // 2. Every notice once: no release got a notice twice; each notice of the plan was sent, or missed because it was due
        // before the release was requested (the latest of those goes out late), or skipped because the release ended first.
        var plan = policy.Communications.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        Assert.All(h.Notices.GroupBy(n => (n.ReleaseId, n.NoticeId)), g => Assert.True(g.Count() == 1, $"{g.Key} sent {g.Count()} times"));
        foreach (var (id, status) in outcomes)
        {
            var (request, requestedAt) = world.Releases[id];
            var result = (await h.Client.GetInstanceAsync(CommunicationsOrchestrator.InstanceIdOf(id), getInputsAndOutputs: true, TestContext.Current.CancellationToken))!
                .ReadOutputAs<CommunicationsResult>()!;
            var sentByActivity = h.Notices.Where(n => n.ReleaseId == id && n.NoticeId.Contains('@', StringComparison.Ordinal))
                .Select(n => n.NoticeId[..n.NoticeId.IndexOf('@', StringComparison.Ordinal)]).Where(plan.Contains).Order().ToArray();
            Assert.Equal(result.Sent.Where(plan.Contains).Order(), sentByActivity);
            Assert.Equal(plan.Order(), result.Sent.Where(plan.Contains).Concat(result.Missed).Concat(result.Skipped).Order());
            var dueBefore = CommunicationSchedule.For(policy, request, requestedAt).Where(c => c.Status == CommunicationStatus.Missed).Select(c => c.Id).ToArray();
            Assert.Equal(dueBefore.SkipLast(1).Order(), result.Missed.Order());
            if (status == ReleaseStatus.Completed)
            {
                Assert.Empty(result.Skipped);
            }

            Assert.Single(h.Notices, n => n.ReleaseId == id && n.NoticeId == $"outcome-{status}".ToLowerInvariant());
        }

        // 3. Approvals asked once per stage, never reminded or escalated (the approvers answer at once, in simulated minutes).
        Assert.All(h.ApprovalRequests.Where(a => a.Kind == ApprovalKind.Request).GroupBy(a => (a.ReleaseId, a.Stage)),
            g => Assert.True(g.Count() == 1, $"{g.Key} asked {g.Count()} times"));
        Assert.DoesNotContain(h.ApprovalRequests, a => a.Kind != ApprovalKind.Request);

        // Deployments as the calendar drove them: each release that completed went to production once (in its window, not
        // before its slot), the rolled-back hotfix was rolled back, and the rejected and cancelled ones never reached production.
        foreach (var (id, status) in outcomes)
        {
            var production = h.Deployments.Count(d => d.ReleaseId == id && d.Environment == "production" && !d.Rollback);
            Assert.True(status == ReleaseStatus.Completed || status == ReleaseStatus.RolledBack ? production >= 1 : production == 0, $"{id}: {production} production deployment(s)");
            var slot = ProductionSlot.Of(policy, world.Releases[id].Request, ProductionSlot.AsPlanned).Start;
            var deployedAt = h.Raised.Where(e => e.ReleaseId == id && e.Type == CanonicalEventType.ServiceDeployed && e.Environment == "production")
                .Select(e => (DateTimeOffset?)e.OccurredAt).Min();
            Assert.True(deployedAt is null || deployedAt >= slot, $"{id} deployed at {deployedAt:u}, before its slot {slot:u}");
        }

        Assert.Contains(h.Deployments, d => d.ReleaseId == "hotfix-06" && d.Rollback);

        // 4. The timers' work per run did not grow over the days (ScheduledJobs): the rollup reads its own day's events and
        // the rollups of the page's window, never the history.
        jobs.AssertFlat(h);

        TestContext.Current.SendDiagnosticMessage(
            $"90 days: {wall.TotalSeconds:F0} s real, the calendar ended {endedOn:u}; {h.Notices.Count} notices, {h.ApprovalRequests.Count} approval asks, " +
            $"{h.Deployments.Count} deployment requests; {clock.Jumps} jumps of the calendar ({clock.StuckJumps} past an activity never seen to run), {world.TimersFired} timers fired; " +
            $"stale checks answered {world.StaleChecksAnswered.Count}; {jobs.Summary()}");
    }
}
