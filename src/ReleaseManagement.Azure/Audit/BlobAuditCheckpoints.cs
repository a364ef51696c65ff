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
/// can change or delete a checkpoint while it is retained. The whole trail's manifests (<see cref="AuditManifest"/>) are
/// <c>_manifests/{time}.json</c> in the same container (a name no release id takes), newest last in name order; so are the
/// marks of the audit trail's period index (<see cref="BlobAuditActivity"/>, <c>_activity/…</c>).
/// </summary>
public sealed class BlobAuditCheckpoints(BlobContainerClient container) : IAuditCheckpoints
{
    public const string DefaultContainer = "audit-checkpoints";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private volatile bool _created;

    /// <summary>The folder of the whole trail's manifests: not a release (release ids do not start with '_'), and not listed as one.</summary>
    public const string ManifestFolder = "_manifests";

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
            if (item.IsPrefix && item.Prefix != ManifestFolder + "/" && item.Prefix != BlobAuditActivity.Folder + "/")
            {
                ids.Add(item.Prefix.TrimEnd('/'));
            }
        }

        return ids;
    }

    public static string ManifestBlobName(DateTimeOffset at) =>
        $"{ManifestFolder}/{at.ToUniversalTime().ToString("yyyyMMdd'T'HHmmssfffffff'Z'", CultureInfo.InvariantCulture)}.json";

    public async Task RecordManifestAsync(AuditManifest manifest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        await EnsureContainerAsync(cancellationToken);
        try
        {
            await container.GetBlobClient(ManifestBlobName(manifest.At)).UploadAsync(
                BinaryData.FromObjectAsJson(manifest, Json),
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } },
                cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // Kept already (the same run retried): a manifest is never replaced.
        }
    }

    public async Task<AuditManifest?> LatestManifestAsync(CancellationToken cancellationToken = default)
    {
        await EnsureContainerAsync(cancellationToken);
        string? latest = null;
        await foreach (var item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, ManifestFolder + "/", cancellationToken))
        {
            if (latest is null || string.CompareOrdinal(item.Name, latest) > 0)
            {
                latest = item.Name;
            }
        }

        return latest is null ? null : (await container.GetBlobClient(latest).DownloadContentAsync(cancellationToken)).Value.Content.ToObjectFromJson<AuditManifest>(Json);
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
