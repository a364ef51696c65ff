using ReleaseManagement.Azure.Events;

namespace ReleaseManagement.Api.Webhooks;

/// <summary>
/// Settings under <c>PipelineEvents</c>: the storage names. Leave the defaults in Azure (the Functions queue trigger listens
/// on <c>pipeline-events</c>); tests and side-by-side local hosts set their own.
/// </summary>
public sealed class PipelineEventsStorageOptions
{
    public const string Section = "PipelineEvents";

    public string Table { get; set; } = EventStorageNames.DefaultTable;

    public string Queue { get; set; } = EventStorageNames.DefaultQueue;

    public string Container { get; set; } = EventStorageNames.DefaultContainer;

    public EventStorageNames ToNames() => new(Table, Queue, Queue + "-poison", Container);
}
