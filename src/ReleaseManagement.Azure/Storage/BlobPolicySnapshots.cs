using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Storage;

/// <summary>
/// Policy snapshots as write-once blobs in container <c>policy-snapshots</c>: <c>{sha256}.json</c> holding the policy's
/// canonical JSON, uploaded only if absent. The name is the content's hash, so a second save of the same policy (a retried
/// request, every release requested under it) finds the blob and writes nothing; a snapshot is never replaced.
/// </summary>
public sealed class BlobPolicySnapshots(BlobContainerClient container) : IPolicySnapshots
{
    public const string DefaultContainer = "policy-snapshots";

    private volatile bool _created;

    public static string BlobName(string hash) => $"{hash}.json";

    public async Task SaveAsync(PolicySnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (!snapshot.IsIntact)
        {
            throw new ArgumentException($"The snapshot's hash {snapshot.Hash} is not the SHA-256 of its canonical JSON.", nameof(snapshot));
        }

        await EnsureContainerAsync(cancellationToken);
        try
        {
            await container.GetBlobClient(BlobName(snapshot.Hash)).UploadAsync(
                BinaryData.FromString(snapshot.Json),
                new BlobUploadOptions
                {
                    Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                    HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
                },
                cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // Kept already: the same hash is the same policy.
        }
    }

    public async Task<PolicySnapshot?> GetAsync(string hash, CancellationToken cancellationToken = default)
    {
        if (!PolicySnapshot.IsHash(hash))
        {
            return null;
        }

        await EnsureContainerAsync(cancellationToken);
        try
        {
            var content = await container.GetBlobClient(BlobName(hash)).DownloadContentAsync(cancellationToken);
            return new PolicySnapshot(hash, content.Value.Content.ToString());
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
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
