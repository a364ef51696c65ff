using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using ReleaseManagement.Azure.Storage;

namespace ReleaseManagement.Azure.Events;

/// <summary>
/// Blob, queue and table clients for the event pipeline, from the same <c>AzureWebJobsStorage</c> settings as
/// <see cref="StorageClients"/> (connection string, or identity-based <c>__accountName</c> / <c>__blobServiceUri</c>...).
/// The retry policy is short: a webhook must be answered (503 if need be) well inside the sender's 10 s timeout.
/// </summary>
public sealed class EventStorageClients
{
    private EventStorageClients(BlobServiceClient blobs, QueueServiceClient queues, TableServiceClient tables, EventStorageNames names)
    {
        Blobs = blobs;
        Queues = queues;
        Tables = tables;
        Names = names;
    }

    public BlobServiceClient Blobs { get; }

    public QueueServiceClient Queues { get; }

    public TableServiceClient Tables { get; }

    public EventStorageNames Names { get; }

    public QueueClient Queue => Queues.GetQueueClient(Names.Queue);

    public QueueClient PoisonQueue => Queues.GetQueueClient(Names.PoisonQueue);

    public static EventStorageClients FromConnectionString(string connectionString, EventStorageNames? names = null) => new(
        new BlobServiceClient(connectionString, Configure(new BlobClientOptions())),
        new QueueServiceClient(connectionString, QueueOptions()),
        new TableServiceClient(connectionString, Configure(new TableClientOptions())),
        names ?? EventStorageNames.Default);

    public static EventStorageClients FromConfiguration(IConfiguration configuration, EventStorageNames? names = null)
    {
        var section = configuration.GetSection(StorageClients.ConnectionName);
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            return FromConnectionString(section.Value, names);
        }

        var account = section["accountName"];
        string? Uri(string key, string service) => section[key] ?? (account is null ? null : $"https://{account}.{service}.core.windows.net");
        var blobUri = Uri("blobServiceUri", "blob");
        var queueUri = Uri("queueServiceUri", "queue");
        var tableUri = Uri("tableServiceUri", "table");
        if (blobUri is null || queueUri is null || tableUri is null)
        {
            throw new InvalidOperationException(
                $"Storage is not configured for pipeline events: set '{StorageClients.ConnectionName}' to a connection string, or " +
                $"'{StorageClients.ConnectionName}__accountName' (or the __blobServiceUri, __queueServiceUri and __tableServiceUri settings).");
        }

        var clientId = section["clientId"];
        TokenCredential credential = string.IsNullOrWhiteSpace(clientId)
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
        return new EventStorageClients(
            new BlobServiceClient(new System.Uri(blobUri), credential, Configure(new BlobClientOptions())),
            new QueueServiceClient(new System.Uri(queueUri), credential, QueueOptions()),
            new TableServiceClient(new System.Uri(tableUri), credential, Configure(new TableClientOptions())),
            names ?? EventStorageNames.Default);
    }

    /// <summary>Base64, as the Functions queue trigger expects by default.</summary>
    private static QueueClientOptions QueueOptions()
    {
        var options = Configure(new QueueClientOptions());
        options.MessageEncoding = QueueMessageEncoding.Base64;
        return options;
    }

    private static T Configure<T>(T options)
        where T : ClientOptions
    {
        options.Retry.MaxRetries = 2;
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
        return options;
    }
}
