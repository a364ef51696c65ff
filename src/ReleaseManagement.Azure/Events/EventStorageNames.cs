namespace ReleaseManagement.Azure.Events;

/// <summary>The storage names of the event pipeline; tests pass unique ones.</summary>
public sealed record EventStorageNames(
    string Table = EventStorageNames.DefaultTable,
    string Queue = EventStorageNames.DefaultQueue,
    string PoisonQueue = EventStorageNames.DefaultPoisonQueue,
    string Container = EventStorageNames.DefaultContainer)
{
    public const string DefaultTable = "PipelineEvents";
    public const string DefaultQueue = "pipeline-events";

    /// <summary>The Functions host's poison queue name for <see cref="DefaultQueue"/>: the queue name plus "-poison".</summary>
    public const string DefaultPoisonQueue = DefaultQueue + "-poison";
    public const string DefaultContainer = "pipeline-deliveries";

    public static EventStorageNames Default { get; } = new();

    /// <summary>Unique names, for tests and benchmarks that share one storage account.</summary>
    public static EventStorageNames Unique(string prefix = "t")
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        return new EventStorageNames($"{prefix}Events{suffix}", $"{prefix}-events-{suffix}", $"{prefix}-events-{suffix}-poison", $"{prefix}-deliveries-{suffix}");
    }
}
