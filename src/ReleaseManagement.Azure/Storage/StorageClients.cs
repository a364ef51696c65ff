using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

namespace ReleaseManagement.Azure.Storage;

/// <summary>
/// Builds storage clients from the same setting the Functions host uses, <c>AzureWebJobsStorage</c>:
/// either a connection string (Azurite, local) or the identity-based form
/// (<c>AzureWebJobsStorage__accountName</c>, or <c>__tableServiceUri</c>/<c>__queueServiceUri</c>, plus optional
/// <c>__clientId</c> for a user-assigned identity), as in Azure.
/// </summary>
public sealed class StorageClients
{
    public const string ConnectionName = "AzureWebJobsStorage";

    private StorageClients(TableServiceClient tables, QueueServiceClient queues, string? connectionString, TokenCredential? credential)
    {
        Tables = tables;
        Queues = queues;
        ConnectionString = connectionString;
        Credential = credential;
    }

    public TableServiceClient Tables { get; }

    public QueueServiceClient Queues { get; }

    /// <summary>The connection string when one is configured; null with identity-based settings.</summary>
    public string? ConnectionString { get; }

    /// <summary>The credential used with identity-based settings; null with a connection string.</summary>
    public TokenCredential? Credential { get; }

    public static StorageClients FromConfiguration(IConfiguration configuration, string connectionName = ConnectionName)
    {
        var section = configuration.GetSection(connectionName);
        var connectionString = section.Value;
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return FromConnectionString(connectionString);
        }

        var accountName = section["accountName"];
        var tableUri = section["tableServiceUri"] ?? (accountName is null ? null : $"https://{accountName}.table.core.windows.net");
        var queueUri = section["queueServiceUri"] ?? (accountName is null ? null : $"https://{accountName}.queue.core.windows.net");
        if (tableUri is null || queueUri is null)
        {
            throw new InvalidOperationException(
                $"Storage is not configured: set '{connectionName}' to a connection string, or '{connectionName}__accountName' " +
                $"(or '{connectionName}__tableServiceUri' and '{connectionName}__queueServiceUri') for identity-based access.");
        }

        var clientId = section["clientId"];
        TokenCredential credential = string.IsNullOrWhiteSpace(clientId)
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
        return new StorageClients(
            new TableServiceClient(new Uri(tableUri), credential),
            new QueueServiceClient(new Uri(queueUri), credential),
            null,
            credential);
    }

    public static StorageClients FromConnectionString(string connectionString) =>
        new(new TableServiceClient(connectionString), new QueueServiceClient(connectionString), connectionString, null);
}
