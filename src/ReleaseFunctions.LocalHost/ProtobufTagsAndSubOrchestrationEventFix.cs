using System.Reflection;
using System.Runtime.ExceptionServices;
using DurableTask.Core;
using DurableTask.Core.History;

namespace ReleaseFunctions.LocalHost;

/// <summary>
/// Works around two defects of the Durable Task gRPC sidecar in <c>Microsoft.DurableTask.InProcessTestHost</c>
/// <b>0.2.3-preview.1</b> (the version pinned in Directory.Packages.props; re-check both when upgrading it) that break
/// <see cref="DurableTask.AzureStorage.AzureStorageOrchestrationService"/> persistence of sub-orchestrations:
/// <list type="number">
/// <item><b>Protobuf tags.</b> <c>TaskHubGrpcServer</c> copies the tags of a <c>CreateSubOrchestration</c> action straight from
/// the protobuf message, so <see cref="ExecutionStartedEvent.Tags"/> (and <see cref="OrchestrationState.Tags"/>) hold a
/// <c>Google.Protobuf.Collections.MapField&lt;string, string&gt;</c>. The storage engine serializes it with its .NET type
/// name and cannot read it back ("Could not resolve type 'Google.Protobuf.Collections.MapField`2'"), so the child never
/// starts. <see cref="PlainTags"/> copies such tags into a <see cref="Dictionary{TKey, TValue}"/>.</item>
/// <item><b>Subclassed history event.</b> The sidecar records the creation of a sub-orchestration as its own
/// <c>GrpcSubOrchestrationInstanceCreatedEvent</c>, a subclass of <see cref="SubOrchestrationInstanceCreatedEvent"/>, which
/// the storage engine writes without its event type and then cannot replay ("The TableEntity did not contain a 'EventType'
/// property"). <see cref="PlainSubOrchestrationEvents"/> replaces it by the plain Durable Task type with the same fields.</item>
/// </list>
/// This proxy in front of the storage engine applies both to what <see cref="IOrchestrationService.CompleteTaskOrchestrationWorkItemAsync"/>
/// is about to write; every other call passes through untouched. The Functions host does not need it: its Durable extension
/// builds these messages itself.
/// </summary>
public class ProtobufTagsAndSubOrchestrationEventFix : DispatchProxy
{
    private IOrchestrationService _target = null!;

    public static IOrchestrationService Wrap(IOrchestrationService target)
    {
        var proxy = Create<IOrchestrationService, ProtobufTagsAndSubOrchestrationEventFix>();
        ((ProtobufTagsAndSubOrchestrationEventFix)(object)proxy)._target = target;
        return proxy;
    }

    /// <summary>Defect 1: tags of any dictionary type other than <see cref="Dictionary{TKey, TValue}"/> copied into one.</summary>
    public static IDictionary<string, string>? PlainTags(IDictionary<string, string>? tags) =>
        tags is null or Dictionary<string, string> ? tags : new Dictionary<string, string>(tags);

    /// <summary>Defect 2: subclassed sub-orchestration creation events replaced by the plain Durable Task type, in place.</summary>
    public static void PlainSubOrchestrationEvents(IList<HistoryEvent> events)
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

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (targetMethod.Name == nameof(IOrchestrationService.CompleteTaskOrchestrationWorkItemAsync) && args is not null)
        {
            foreach (var arg in args)
            {
                Fix(arg);
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

    private static void Fix(object? arg)
    {
        switch (arg)
        {
            case IEnumerable<TaskMessage> messages:
                foreach (var message in messages)
                {
                    Fix(message);
                }

                break;
            case TaskMessage { Event: ExecutionStartedEvent started }:
                started.Tags = PlainTags(started.Tags);
                break;
            case OrchestrationState state:
                state.Tags = PlainTags(state.Tags);
                break;
            case OrchestrationRuntimeState runtime:
                foreach (var started in runtime.Events.OfType<ExecutionStartedEvent>())
                {
                    started.Tags = PlainTags(started.Tags);
                }

                PlainSubOrchestrationEvents(runtime.Events);
                PlainSubOrchestrationEvents(runtime.NewEvents);
                break;
        }
    }
}
