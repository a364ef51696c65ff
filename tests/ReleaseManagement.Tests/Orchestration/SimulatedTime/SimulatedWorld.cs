using ReleaseManagement.Activities;
using ReleaseManagement.Events;
using ReleaseManagement.Orchestration;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;
using static ReleaseManagement.Tests.Orchestration.LifecycleHarness;

namespace ReleaseManagement.Tests.Orchestration.SimulatedTime;

/// <summary>
/// The world around one system over a simulated calendar, and the calendar's driver: an agenda of what happens at a
/// simulated time (requests, a cancel, the production checks before a window, a hotfix's review, the scheduled jobs), run
/// by <see cref="RunUntilAsync"/> as the clock reaches each entry, which also fires the orchestrations' timers as the clock
/// reaches them and moves the clock on, when the system is quiet, to the next of either; and the world's answers to what the releases write (fresh production checks when the
/// production gate finds them stale, the review of a hotfix two days after it is asked for). Every event it raises is
/// stamped with the simulated time.
/// </summary>
internal sealed class SimulatedWorld
{
    private readonly object _gate = new();
    private readonly PriorityQueue<(string What, bool Stops, Func<Task> Act), (DateTimeOffset At, long Seq)> _agenda = new();
    private readonly HashSet<string> _reviewsAsked = new(StringComparer.Ordinal);
    private long _seq;

    public SimulatedWorld(LifecycleHarness harness, ReleasePolicy policy)
    {
        Harness = harness;
        Policy = policy;
        harness.AfterWrite = OnWriteAsync;
    }

    public LifecycleHarness Harness { get; }

    public ReleasePolicy Policy { get; }

    /// <summary>The releases requested, by id: the request and when it was made (simulated).</summary>
    public Dictionary<string, (ReleaseRequest Request, DateTimeOffset RequestedAt)> Releases { get; } = new(StringComparer.Ordinal);

    /// <summary>Fresh production checks sent because the production gate found them stale (release id).</summary>
    public List<string> StaleChecksAnswered { get; } = [];

    /// <summary>
    /// Puts <paramref name="act"/> on the agenda at <paramref name="at"/>. The calendar stops there when
    /// <paramref name="stops"/> (a request, a report from the world); otherwise the entry runs as soon as the clock has passed
    /// it (the scheduled jobs, which read the time they were scheduled for: <see cref="ScheduledJobs"/>).
    /// </summary>
    public void At(DateTimeOffset at, string what, Func<Task> act, bool stops = true)
    {
        lock (_gate)
        {
            _agenda.Enqueue((what, stops, act), (at, _seq++));
        }
    }

    /// <summary>Requests a release at <paramref name="at"/>: starts it and reports every milestone, gate item and document (and the T-3 readiness).</summary>
    public void Request(DateTimeOffset at, string id, ReleaseType type, DateOnly target) => At(at, $"request {id}", async () =>
    {
        var request = LifecycleHarness.Request(id, type, target);
        Releases[id] = (request, Harness.Now);
        await Harness.StartReleaseAsync(request, Policy, new ReleaseTimings(TimeSpan.FromDays(1), TimeSpan.FromDays(1)));
        await SendAsync(id, [.. EverythingPasses(id), Attestation(id, "deployment-readiness", "rm@example.com")]);
        // The production checks again half an hour before the window (the environment's health is fresh for an hour).
        var slot = ProductionSlot.Of(Policy, request, ProductionSlot.AsPlanned);
        if (slot.Start - TimeSpan.FromMinutes(30) > Harness.Now)
        {
            At(slot.Start - TimeSpan.FromMinutes(30), $"production checks of {id}", () => SendAsync(id, ProductionChecks.Select(item => Evidence(id, item, environment: "production"))));
        }
    });

    public Task SendAsync(string id, IEnumerable<CanonicalEvent> events) =>
        Harness.SendAllAsync(id, events.Select(e => e with { OccurredAt = Harness.Now }).ToArray());

    /// <summary>
    /// Drives the calendar until <paramref name="done"/> holds: runs the agenda entries and fires the timers the clock has
    /// reached (polling every 10 ms of real time), and once nothing has run for <see cref="Quiet"/> moves the clock to the next
    /// timer or stopping agenda entry. Fails when <paramref name="realDeadline"/> passes first, naming where the releases stand.
    /// </summary>
    public async Task RunUntilAsync(Func<bool> done, TimeSpan realDeadline)
    {
        var clock = Harness.Clock!;
        var stop = DateTimeOffset.UtcNow + realDeadline;
        while (true)
        {
            var now = clock.Now;
            while (Next(now) is { } entry)
            {
                await entry.Act();
                clock.Touch();
            }

            foreach (var (key, at) in clock.Timers.Where(t => t.Value <= now).OrderBy(t => t.Value).ToArray())
            {
                if (clock.Timers.TryRemove(key, out _))
                {
                    await Harness.Client.RaiseEventAsync(key.InstanceId, key.Name, at);
                    TimersFired++;
                    clock.Touch();
                }
            }

            if (done())
            {
                return;
            }

            if (DateTimeOffset.UtcNow > stop)
            {
                var standing = string.Join("\n", Releases.Keys.Select(id => Harness.Store.GetAsync(id).GetAwaiter().GetResult())
                    .Where(r => r is not null && r.Phase != ReleasePhase.Closed)
                    .Select(r => $"{r!.Request.Id}: {r.Phase} {r.Stage} {r.StatusReason} "
                        + string.Join(", ", (r.Gates ?? []).Where(g => g.Verdict != nameof(GateVerdict.Passed)).Select(g => $"{g.Item} {g.Verdict} ({g.Reason})"))));
                Assert.Fail($"The calendar did not finish within {realDeadline} (simulated {Harness.Now:u}, {clock.Timers.Count} timer(s) pending); still open:\n{standing}");
            }

            if (clock.QuietFor(Quiet) && NextStop() is { } next && next > now)
            {
                clock.AdvanceTo(next);
            }

            await Task.Delay(10);
        }
    }

    /// <summary>
    /// How long nothing must have run (no orchestration call, no activity, no event raised) besides the engine being idle
    /// (<see cref="EngineProbe"/>) before the calendar moves on: the hop of an activity's result back to the engine.
    /// </summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(50);

    /// <summary>The orchestrations' timers fired by the driver.</summary>
    public int TimersFired { get; private set; }

    private DateTimeOffset? NextStop()
    {
        var timers = Harness.Clock!.Timers.Values.DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
        lock (_gate)
        {
            var agenda = _agenda.UnorderedItems.Where(e => e.Element.Stops).Select(e => e.Priority.At).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
            var next = timers < agenda ? timers : agenda;
            return next == DateTimeOffset.MaxValue ? null : next;
        }
    }

    private (string What, bool Stops, Func<Task> Act)? Next(DateTimeOffset now)
    {
        lock (_gate)
        {
            return _agenda.TryPeek(out _, out var key) && key.At <= now ? _agenda.Dequeue() : null;
        }
    }

    private Task OnWriteAsync(ReleaseWrite write)
    {
        if (write is not ReleaseStatusChange change)
        {
            return Task.CompletedTask;
        }

        var id = change.ReleaseId;
        if (change.Stage == ReleaseStages.Gate(DeploymentEnvironment.Production)
            && change.Gates?.Any(g => ProductionChecks.Contains(g.Item) && g.Verdict != nameof(GateVerdict.Passed)) == true)
        {
            // The operators run the checks again when the gate says they are stale.
            lock (_gate)
            {
                StaleChecksAnswered.Add(id);
            }

            return SendAsync(id, ProductionChecks.Select(item => Evidence(id, item, environment: "production")));
        }

        if (change.Stage == ReleaseStages.EmergencyReview)
        {
            lock (_gate)
            {
                if (!_reviewsAsked.Add(id))
                {
                    return Task.CompletedTask;
                }
            }

            // The release manager reviews the hotfix two days after it is asked for (due in five, reminded after four).
            At(Harness.Now + TimeSpan.FromDays(2), $"review of {id}",
                () => SendAsync(id, [Attestation(id, Policy.EmergencyReview.EvidenceItem, "rm@example.com")]));
        }

        return Task.CompletedTask;
    }

    /// <summary>A reading of Billing with half its requests failing (the watch's breach).</summary>
    public static HealthReading Failing(string releaseId, DateTimeOffset at) =>
        new(releaseId, at, [new SystemHealth("Billing", 50m, 200, 99.9m, 0, 0.1m, 210)], false, null);
}
