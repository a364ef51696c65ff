using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Events;

/// <summary>
/// Raw deliveries as blobs <c>{source}/{delivery id}</c> in container <c>pipeline-deliveries</c>, with the event type, the sending pipeline (when named) and
/// receive time as metadata. The upload is conditional (If-None-Match: *), so of concurrent duplicates exactly one is stored.
/// Bodies up to the webhook limit fit (a table property could not hold 1 MB).
/// </summary>
public sealed class BlobRawDeliveryStore(BlobContainerClient container) : IRawDeliveryStore
{
    private const string EventTypeKey = "eventtype";
    private const string ReceivedAtKey = "receivedat";
    private const string EnqueuedKey = "enqueued";
    private const string PipelineKey = "pipeline";

    private volatile bool _created;

    public static string BlobName(string source, string deliveryId) => $"{source}/{Uri.EscapeDataString(deliveryId)}";

    public async Task<bool> TryAddAsync(RawDelivery delivery, bool enqueued = false, CancellationToken cancellationToken = default)
    {
        await EnsureContainerAsync(cancellationToken);
        var blob = container.GetBlobClient(BlobName(delivery.Source, delivery.DeliveryId));
        try
        {
            await blob.UploadAsync(
                BinaryData.FromBytes(delivery.Body),
                new BlobUploadOptions
                {
                    Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                    HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
                    Metadata = Metadata(delivery, enqueued),
                },
                cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }

    public async Task<RawDelivery?> GetAsync(string source, string deliveryId, CancellationToken cancellationToken = default)
    {
        var blob = container.GetBlobClient(BlobName(source, deliveryId));
        try
        {
            var content = await blob.DownloadContentAsync(cancellationToken);
            var metadata = content.Value.Details.Metadata;
            var receivedAt = metadata.TryGetValue(ReceivedAtKey, out var r)
                ? DateTimeOffset.Parse(r, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)
                : content.Value.Details.CreatedOn;
            return new RawDelivery(source, deliveryId, metadata.TryGetValue(EventTypeKey, out var t) ? Uri.UnescapeDataString(t) : string.Empty, receivedAt, content.Value.Content.ToMemory())
            {
                Pipeline = metadata.TryGetValue(PipelineKey, out var p) ? p : null,
            };
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task<bool> IsEnqueuedAsync(string source, string deliveryId, CancellationToken cancellationToken = default)
    {
        var blob = container.GetBlobClient(BlobName(source, deliveryId));
        try
        {
            var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken);
            return properties.Value.Metadata.TryGetValue(EnqueuedKey, out var value) && value == "true";
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    public async Task MarkEnqueuedAsync(string source, string deliveryId, RawDelivery? asStored = null, CancellationToken cancellationToken = default)
    {
        if (asStored is not null)
        {
            await container.GetBlobClient(BlobName(source, deliveryId)).SetMetadataAsync(Metadata(asStored, enqueued: true), cancellationToken: cancellationToken);
            return;
        }

        var blob = container.GetBlobClient(BlobName(source, deliveryId));
        var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken);
        var metadata = new Dictionary<string, string>(properties.Value.Metadata) { [EnqueuedKey] = "true" };
        // No ETag condition: a concurrent writer can only be a duplicate setting the same values.
        await blob.SetMetadataAsync(metadata, cancellationToken: cancellationToken);
    }

    private static Dictionary<string, string> Metadata(RawDelivery delivery, bool enqueued)
    {
        var metadata = new Dictionary<string, string>
        {
            [EventTypeKey] = Uri.EscapeDataString(delivery.EventType),
            [ReceivedAtKey] = delivery.ReceivedAt.ToString("O", CultureInfo.InvariantCulture),
            [EnqueuedKey] = enqueued ? "true" : "false",
        };

        // A pipeline name is letters, digits, '-' and '_' (WebhookSecrets): a valid metadata value as it is.
        if (delivery.Pipeline is { } pipeline)
        {
            metadata[PipelineKey] = pipeline;
        }

        return metadata;
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
