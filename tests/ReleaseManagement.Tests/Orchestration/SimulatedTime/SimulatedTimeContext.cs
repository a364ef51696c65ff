using Microsoft.DurableTask;
using Microsoft.DurableTask.Entities;
using Microsoft.Extensions.Logging;

namespace ReleaseManagement.Tests.Orchestration.SimulatedTime;

/// <summary>
/// A test-only decorator of the engine's <see cref="TaskOrchestrationContext"/> that runs an orchestration on a
/// <see cref="SimulatedClock"/>: <see cref="CurrentUtcDateTime"/> is the simulated time of the engine's (replayed) time, and a
/// durable timer for a simulated time is an external event the calendar's driver raises when the simulated time reaches it
/// (<see cref="SimulatedClock.Timers"/>, <see cref="SimulatedWorld"/>). Everything else (activities, sub-orchestrations,
/// external events, ids, replay-safe loggers) goes to the engine unchanged, each call marking the system busy. Deterministic:
/// the engine's time comes from the history and the clock never changes a time already passed; the timers are named in the
/// order the orchestration creates them, the same on every replay. The harness registers every orchestrator through it, so
/// the communication timeline started as a sub-orchestration runs on the same calendar.
/// </summary>
public sealed class SimulatedTimeContext(TaskOrchestrationContext inner, SimulatedClock clock) : TaskOrchestrationContext
{
    private readonly ReplaySafeFactory _loggers = new(inner);
    private int _timers;

    public override TaskName Name => inner.Name;

    public override string InstanceId => inner.InstanceId;

    public override ParentOrchestrationInstance? Parent => inner.Parent;

    public override DateTime CurrentUtcDateTime
    {
        get
        {
            clock.Touch();
            return clock.ToSimulated(inner.CurrentUtcDateTime);
        }
    }

    public override bool IsReplaying => inner.IsReplaying;

    public override string Version => inner.Version;

    public override IReadOnlyDictionary<string, object?> Properties => inner.Properties;

    public override TaskOrchestrationEntityFeature Entities => inner.Entities;

    /// <summary>
    /// Loggers of the engine's own context, replay-safe already (its factory is protected, so it is reached through
    /// <see cref="TaskOrchestrationContext.CreateReplaySafeLogger(string)"/>).
    /// </summary>
    protected override ILoggerFactory LoggerFactory => _loggers;

    public override T GetInput<T>() => inner.GetInput<T>()!;

    public override Task<TResult> CallActivityAsync<TResult>(TaskName name, object? input = null, TaskOptions? options = null) =>
        Scheduled(inner.CallActivityAsync<TResult>(name, input, options));

    public override Task<TResult> CallSubOrchestratorAsync<TResult>(TaskName orchestratorName, object? input = null, TaskOptions? options = null) =>
        Touched(inner.CallSubOrchestratorAsync<TResult>(orchestratorName, input, options));

    /// <summary>
    /// A wait for the event <c>simulated-timer:{n}</c> (n: the timers this orchestration created before it), which the driver
    /// raises once the simulated time reaches <paramref name="fireAt"/>. The timer is put on the calendar when first created
    /// (not on a replay) and taken off when cancelled.
    /// </summary>
    public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken)
    {
        clock.Touch();
        var key = (inner.InstanceId, $"simulated-timer:{_timers++}");
        if (!inner.IsReplaying)
        {
            clock.Timers[key] = new DateTimeOffset(DateTime.SpecifyKind(fireAt, DateTimeKind.Utc));
        }

        cancellationToken.Register(() => clock.Timers.TryRemove(key, out _));
        return inner.WaitForExternalEvent<DateTimeOffset>(key.Item2, cancellationToken);
    }

    public override Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default) =>
        Touched(inner.WaitForExternalEvent<T>(eventName, cancellationToken));

    public override void SendEvent(string instanceId, string eventName, object payload)
    {
        clock.Touch();
        inner.SendEvent(instanceId, eventName, payload);
    }

    public override void SetCustomStatus(object? customStatus) => inner.SetCustomStatus(customStatus);

    public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true) => inner.ContinueAsNew(newInput, preserveUnprocessedEvents);

    public override Guid NewGuid() => inner.NewGuid();

    private Task<T> Scheduled<T>(Task<T> task)
    {
        if (!inner.IsReplaying)
        {
            clock.ActivityScheduled();
        }

        return task;
    }

    private T Touched<T>(T task)
    {
        clock.Touch();
        return task;
    }

    private sealed class ReplaySafeFactory(TaskOrchestrationContext inner) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => inner.CreateReplaySafeLogger(categoryName);

        public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

        public void Dispose()
        {
        }
    }
}
