using System.Collections;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.DurableTask.Testing;

namespace ReleaseManagement.Tests.Orchestration.SimulatedTime;

/// <summary>
/// Whether the in-process engine has work: an orchestration episode running (its instance loaded), messages waiting for an
/// instance, or activity messages waiting to be dispatched. Read from the private state of the package's
/// <c>InMemoryOrchestrationService</c> (Microsoft.DurableTask.InProcessTestHost, pinned): it exposes no such count, and the
/// simulated calendar must not move on while the engine works (<see cref="SimulatedClock"/>). A field renamed by an update
/// of the package fails here, naming it.
/// </summary>
internal sealed class EngineProbe
{
    private const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Instance;
    private readonly ChannelReader<DurableTask.Core.TaskMessage> _activities;
    private readonly IEnumerable _instances;
    private readonly PropertyInfo _loaded;
    private readonly PropertyInfo _messages;

    /// <param name="host">The engine: its sidecar's host (a private field of the test host) holds the orchestration service.</param>
    public EngineProbe(DurableTaskTestHost host)
    {
        var service = host.GetType().GetFields(Private).Select(f => f.GetValue(host)).OfType<Microsoft.Extensions.Hosting.IHost>()
            .SelectMany(h => new[] { typeof(Microsoft.DurableTask.Testing.Sidecar.InMemoryOrchestrationService), typeof(DurableTask.Core.IOrchestrationService) }
                .Select(h.Services.GetService))
            .OfType<Microsoft.DurableTask.Testing.Sidecar.InMemoryOrchestrationService>().FirstOrDefault()
            ?? throw new MissingFieldException(host.GetType().FullName, "the sidecar host with the in-memory orchestration service (fields: "
                + string.Join(", ", host.GetType().GetFields(Private).Select(f => $"{f.Name} {f.FieldType.Name}")) + ")");
        var queue = Field(service, "activityQueue");
        _activities = ((Channel<DurableTask.Core.TaskMessage>)Field(queue, "innerQueue")).Reader;
        _instances = (IEnumerable)Field(Field(service, "instanceStore"), "store");
        var state = Field(service, "instanceStore").GetType().Assembly.GetTypes().Single(t => t.Name == "SerializedInstanceState");
        _loaded = state.GetProperty("IsLoaded", Private) ?? throw new MissingMemberException(state.Name, "IsLoaded");
        _messages = state.GetProperty("MessagesJson") ?? throw new MissingMemberException(state.Name, "MessagesJson");
    }

    /// <summary>No instance loaded or with messages waiting, and no activity waiting to be dispatched.</summary>
    public bool Idle
    {
        get
        {
            if (_activities.Count > 0)
            {
                return false;
            }

            foreach (var entry in _instances)
            {
                var state = entry.GetType().GetProperty("Value")!.GetValue(entry)!;
                lock (state)
                {
                    if ((bool)_loaded.GetValue(state)! || ((JsonArray)_messages.GetValue(state)!).Count > 0)
                    {
                        return false;
                    }
                }
            }

            return true;
        }
    }

    private static object Field(object owner, string name) =>
        (owner.GetType().GetField(name, Private) ?? throw new MissingFieldException(owner.GetType().FullName, name)).GetValue(owner)
        ?? throw new InvalidOperationException($"{owner.GetType().Name}.{name} is null.");
}
