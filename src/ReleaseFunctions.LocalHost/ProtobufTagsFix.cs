using System.Reflection;
using System.Runtime.ExceptionServices;
using DurableTask.Core;
using DurableTask.Core.History;

namespace ReleaseFunctions.LocalHost;

/// <summary>
/// Works around a defect of the Durable Task gRPC sidecar (Microsoft.DurableTask.InProcessTestHost 0.2.3-preview.1):
/// when an orchestration starts a sub-orchestration it passes the tags as a protobuf <c>MapField</c>, which
/// <see cref="DurableTask.AzureStorage.AzureStorageOrchestrationService"/> serializes with its .NET type name and then
/// cannot read back ("Could not resolve type 'Google.Protobuf.Collections.MapField`2'"), so the child never starts.
/// It also records the creation of a sub-orchestration as its own subclass of <see cref="SubOrchestrationInstanceCreatedEvent"/>,
/// which the storage engine writes without its event type and then cannot replay ("The TableEntity did not contain a
/// 'EventType' property"). This proxy in front of the storage engine copies such tags into a plain dictionary and such
/// events into the plain Durable Task type before anything is written.
/// Everything else passes through untouched. The Functions host does not need it: its Durable extension builds the
/// messages itself.
/// </summary>
public class ProtobufTagsFix : DispatchProxy
{
    private IOrchestrationService _target = null!;

    public static IOrchestrationService Wrap(IOrchestrationService target)
    {
        var proxy = Create<IOrchestrationService, ProtobufTagsFix>();
        ((ProtobufTagsFix)(object)proxy)._target = target;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (targetMethod.Name == nameof(IOrchestrationService.CompleteTaskOrchestrationWorkItemAsync) && args is not null)
        {
            foreach (var arg in args)
            {
                switch (arg)
                {
                    case IEnumerable<TaskMessage> messages:
                        foreach (var message in messages)
                        {
                            Fix(message);
                        }

                        break;
                    case TaskMessage message:
                        Fix(message);
                        break;
                    case OrchestrationState state when state.Tags is not null and not Dictionary<string, string>:
                        state.Tags = new Dictionary<string, string>(state.Tags);
                        break;
                    case OrchestrationRuntimeState runtime:
                        foreach (var e in runtime.Events.OfType<ExecutionStartedEvent>())
                        {
                            Fix(e);
                        }

                        Plain(runtime.Events);
                        Plain(runtime.NewEvents);
                        break;
                }
            }
        }

        try
        {
            return targetMethod.Invoke(_target, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    /// <summary>Replaces subclassed sub-orchestration creation events by the plain Durable Task type, in place.</summary>
    private static void Plain(IList<HistoryEvent> events)
    {
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i] is SubOrchestrationInstanceCreatedEvent created && created.GetType() != typeof(SubOrchestrationInstanceCreatedEvent))
            {
                events[i] = new SubOrchestrationInstanceCreatedEvent(created.EventId)
                {
                    Name = created.Name,
                    Version = created.Version,
                    InstanceId = created.InstanceId,
                    Input = created.Input,
                    Timestamp = created.Timestamp,
                    IsPlayed = created.IsPlayed,
                };
            }
        }
    }

    private static void Fix(TaskMessage? message)
    {
        if (message?.Event is ExecutionStartedEvent started)
        {
            Fix(started);
        }
    }

    private static void Fix(ExecutionStartedEvent started)
    {
        if (started.Tags is not null and not Dictionary<string, string>)
        {
            started.Tags = new Dictionary<string, string>(started.Tags);
        }
    }
}
