using System.Collections.Concurrent;

namespace ReleaseManagement.Tests.Orchestration.SimulatedTime;

/// <summary>
/// A simulated calendar laid over real time as a step function: the simulated time stands still while the system works
/// and jumps, when the system is quiet, to the next moment something is due (a durable timer of an orchestration, an
/// entry of the world's agenda): discrete-event simulation. A step is only ever added at the real time it is added, so the
/// simulated time of any real time already passed never changes: an orchestration that reads it through
/// <see cref="SimulatedTimeContext"/> (from the engine's replayed time) sees the same simulated time on every replay.
/// </summary>
/// <remarks>
/// Why steps and not a fixed scale (one simulated day per 1.5 real seconds): one step of a lifecycle on the in-process
/// engine (an activity and the episode after it, the history replayed over gRPC) takes 0.1 to 2 real seconds, so at a fixed
/// scale every step cost hours to a day of the calendar, and a release requested on Monday reached its approval on Friday.
/// Stopped while the system works, the calendar keeps the procedure's durations exact.
/// </remarks>
public sealed class SimulatedClock(DateTimeOffset simulatedEpoch)
{
    private readonly object _gate = new();
    private readonly List<(long RealTicks, DateTimeOffset Simulated)> _steps = [];
    private long _lastTouch;
    private int _busy;

    public DateTimeOffset SimulatedEpoch { get; } = simulatedEpoch.ToUniversalTime();

    /// <summary>The simulated timers the orchestrations wait on (<see cref="SimulatedTimeContext.CreateTimer"/>), by instance and name.</summary>
    public ConcurrentDictionary<(string InstanceId, string Name), DateTimeOffset> Timers { get; } = new();

    /// <summary>How many times the calendar jumped.</summary>
    public int Jumps { get; private set; }

    /// <summary>Starts the calendar at <see cref="SimulatedEpoch"/>, now.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_steps.Count > 0)
            {
                throw new InvalidOperationException("The simulated clock has started already.");
            }

            _steps.Add((DateTimeOffset.UtcNow.UtcTicks, SimulatedEpoch));
        }

        Touch();
    }

    /// <summary>The simulated time now.</summary>
    public DateTimeOffset Now => ToSimulated(DateTimeOffset.UtcNow);

    /// <summary>The simulated time at real time <paramref name="real"/> (the epoch before the clock started).</summary>
    public DateTimeOffset ToSimulated(DateTimeOffset real)
    {
        lock (_gate)
        {
            var ticks = real.UtcTicks;
            for (var i = _steps.Count - 1; i >= 0; i--)
            {
                if (_steps[i].RealTicks <= ticks)
                {
                    return _steps[i].Simulated;
                }
            }

            return SimulatedEpoch;
        }
    }

    public DateTime ToSimulated(DateTime realUtc) => ToSimulated(new DateTimeOffset(DateTime.SpecifyKind(realUtc, DateTimeKind.Utc))).UtcDateTime;

    /// <summary>
    /// Moves the calendar to <paramref name="simulated"/> from the next real tick on (never back, never for a real time
    /// already passed: what was read stays as it was read).
    /// </summary>
    public void AdvanceTo(DateTimeOffset simulated)
    {
        lock (_gate)
        {
            var (lastReal, lastSimulated) = _steps[^1];
            if (simulated <= lastSimulated)
            {
                return;
            }

            var real = Math.Max(DateTimeOffset.UtcNow.UtcTicks + 1, lastReal + 1);
            _steps.Add((real, simulated));
            Jumps++;
        }

        // Until the real tick of the step has passed, a reading would still see the time before it.
        while (DateTimeOffset.UtcNow < new DateTimeOffset(_steps[^1].RealTicks, TimeSpan.Zero))
        {
            Thread.SpinWait(10);
        }

        Touch();
    }

    /// <summary>Something of the system ran now (an orchestration episode, an activity, an event raised).</summary>
    public void Touch() => Interlocked.Exchange(ref _lastTouch, DateTimeOffset.UtcNow.UtcTicks);

    /// <summary>Diagnostics: moves made with activities still counted as scheduled, and how many were counted the last time.</summary>
    public int StuckJumps { get; private set; }

    public int StuckActivities { get; private set; }

    /// <summary>Whether the engine has no work (<see cref="EngineProbe"/>); unset: always.</summary>
    public Func<bool>? EngineIdle { get; set; }

    /// <summary>An orchestration scheduled an activity (not on a replay): work under way until it has run.</summary>
    public void ActivityScheduled()
    {
        Interlocked.Increment(ref _busy);
        Touch();
    }

    /// <summary>An activity ran.</summary>
    public void ActivityDone()
    {
        Touch();
        Interlocked.Decrement(ref _busy);
    }

    /// <summary>
    /// Whether the system is quiet: the engine idle, no activity scheduled and not yet run, and nothing touched for
    /// <paramref name="quiet"/> of real time (the hop of an activity's result back to the engine). An activity counted as
    /// scheduled that never ran (an episode the engine ran again) stops counting after two real seconds of quiet.
    /// </summary>
    public bool QuietFor(TimeSpan quiet)
    {
        var idleFor = DateTimeOffset.UtcNow.UtcTicks - Interlocked.Read(ref _lastTouch);
        var busy = Volatile.Read(ref _busy);
        var quietNow = idleFor >= quiet.Ticks && (busy <= 0 || idleFor >= TimeSpan.FromSeconds(2).Ticks) && (EngineIdle?.Invoke() ?? true);
        if (quietNow && busy > 0)
        {
            StuckActivities = busy;
            StuckJumps++;
        }

        return quietNow;
    }
}
