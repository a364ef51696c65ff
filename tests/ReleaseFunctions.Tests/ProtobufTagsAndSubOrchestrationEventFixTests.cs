using System.Reflection;
using DurableTask.Core;
using DurableTask.Core.History;
using Google.Protobuf.Collections;
using ReleaseFunctions.LocalHost;

namespace ReleaseFunctions.Tests;

/// <summary>The two transforms the local host applies before the storage engine writes what the preview sidecar produced.</summary>
public sealed class ProtobufTagsAndSubOrchestrationEventFixTests
{
    private static MapField<string, string> ProtobufTags() => new() { ["release"] = "2027.01.0", ["stage"] = "deploy:Production" };

    [Fact]
    public void PlainTags_ProtobufMapField_BecomesADictionaryWithTheSameEntries()
    {
        var tags = ProtobufTagsAndSubOrchestrationEventFix.PlainTags(ProtobufTags());

        var plain = Assert.IsType<Dictionary<string, string>>(tags);
        Assert.Equal(ProtobufTags().OrderBy(t => t.Key), plain.OrderBy(t => t.Key));
    }

    [Fact]
    public void PlainTags_AlreadyADictionaryOrNull_IsLeftAsItIs()
    {
        var tags = new Dictionary<string, string> { ["a"] = "b" };

        Assert.Same(tags, ProtobufTagsAndSubOrchestrationEventFix.PlainTags(tags));
        Assert.Null(ProtobufTagsAndSubOrchestrationEventFix.PlainTags(null));
    }

    [Fact]
    public void PlainSubOrchestrationEvents_SubclassedCreatedEvent_IsReplacedByThePlainTypeWithTheSameFields()
    {
        var timestamp = new DateTime(2027, 1, 5, 10, 0, 0, DateTimeKind.Utc);
        var other = new TimerFiredEvent(3);
        List<HistoryEvent> events =
        [
            other,
            new SidecarCreatedEvent(4) { Name = "ReleaseCommunications", Version = "1", InstanceId = "2027.01.0:comms", Input = "{}", Timestamp = timestamp, IsPlayed = true },
        ];

        ProtobufTagsAndSubOrchestrationEventFix.PlainSubOrchestrationEvents(events);

        Assert.Same(other, events[0]);
        var created = Assert.IsType<SubOrchestrationInstanceCreatedEvent>(events[1], exactMatch: true);
        Assert.Equal((4, "ReleaseCommunications", "1", "2027.01.0:comms", "{}", timestamp, true),
            (created.EventId, created.Name, created.Version, created.InstanceId, created.Input, created.Timestamp, created.IsPlayed));
    }

    [Fact]
    public async Task Wrap_CompletingAWorkItem_WritesPlainTagsAndPlainEventsToTheStorageEngine()
    {
        var recorder = Recorder.Create();
        var service = ProtobufTagsAndSubOrchestrationEventFix.Wrap(recorder);
        var runtime = new OrchestrationRuntimeState([new ExecutionStartedEvent(-1, "{}") { Name = "ReleaseOrchestrator", OrchestrationInstance = new() { InstanceId = "r", ExecutionId = "e" } }]);
        runtime.AddEvent(new SidecarCreatedEvent(1) { Name = "ReleaseCommunications", InstanceId = "r:comms" });
        var child = new TaskMessage { Event = new ExecutionStartedEvent(-1, "{}") { Tags = ProtobufTags() } };
        var state = new OrchestrationState { Tags = ProtobufTags() };

        await service.CompleteTaskOrchestrationWorkItemAsync(null!, runtime, [], [child], [], null!, state);

        var written = ((Recorder)(object)recorder).Arguments;
        Assert.IsType<Dictionary<string, string>>(((ExecutionStartedEvent)((IEnumerable<TaskMessage>)written[3]!).Single().Event).Tags);
        Assert.IsType<Dictionary<string, string>>(((OrchestrationState)written[6]!).Tags);
        Assert.IsType<SubOrchestrationInstanceCreatedEvent>(((OrchestrationRuntimeState)written[1]!).NewEvents.Single(), exactMatch: true);
    }

    /// <summary>Stands for the sidecar's own subclass (GrpcSubOrchestrationInstanceCreatedEvent, internal to the package).</summary>
    private sealed class SidecarCreatedEvent(int eventId) : SubOrchestrationInstanceCreatedEvent(eventId);

    /// <summary>A storage engine that records what it was asked to write.</summary>
    public class Recorder : DispatchProxy
    {
        public object?[] Arguments { get; private set; } = [];

        public static IOrchestrationService Create() => Create<IOrchestrationService, Recorder>();

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            Arguments = args ?? [];
            return Task.CompletedTask;
        }
    }
}
