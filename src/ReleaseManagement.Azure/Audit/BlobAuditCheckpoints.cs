using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ReleaseManagement.Audit;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Audit;

/// <summary>
/// Audit checkpoints as write-once blobs in container <c>audit-checkpoints</c>: <c>{releaseId}/{count:D19}.json</c>,
/// uploaded only if absent (a retry finds it and writes nothing). In Azure the container has a time-based retention
/// (immutability) policy and the account keeps blob versions (infra/modules/storage.bicep), so nobody, the app included,
/// can change or delete a checkpoint while it is retained.
/// </summary>
public sealed class BlobAuditCheckpoints(BlobContainerClient container) : IAuditCheckpoints
{
    public const string DefaultContainer = "audit-checkpoints";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private volatile bool _created;

    public static string BlobName(string releaseId, long count) => $"{releaseId}/{count.ToString("D19", CultureInfo.InvariantCulture)}.json";

    public async Task RecordAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        await EnsureContainerAsync(cancellationToken);
        var blob = container.GetBlobClient(BlobName(checkpoint.ReleaseId, checkpoint.Count));
        try
        {
            await blob.UploadAsync(
                BinaryData.FromObjectAsJson(checkpoint, Json),
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } },
                cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // Kept already (a retried append): a checkpoint is never replaced.
        }
    }

    public async Task<AuditCheckpoint?> LatestAsync(string releaseId, CancellationToken cancellationToken = default)
    {
        await EnsureContainerAsync(cancellationToken);
        string? latest = null;
        await foreach (var item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, releaseId + "/", cancellationToken))
        {
            if (latest is null || string.CompareOrdinal(item.Name, latest) > 0)
            {
                latest = item.Name;
            }
        }

        if (latest is null)
        {
            return null;
        }

        var content = await container.GetBlobClient(latest).DownloadContentAsync(cancellationToken);
        return content.Value.Content.ToObjectFromJson<AuditCheckpoint>(Json);
    }

    public async Task<IReadOnlyList<string>> ReleaseIdsAsync(CancellationToken cancellationToken = default)
    {
        await EnsureContainerAsync(cancellationToken);
        var ids = new List<string>();
        await foreach (var item in container.GetBlobsByHierarchyAsync(BlobTraits.None, BlobStates.None, "/", prefix: null, cancellationToken))
        {
            if (item.IsPrefix)
            {
                ids.Add(item.Prefix.TrimEnd('/'));
            }
        }

        return ids;
    }

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (_created)
        {
            return;
        }

        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        _created = true;
    }
}
