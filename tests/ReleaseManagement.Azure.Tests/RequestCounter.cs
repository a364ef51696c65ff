using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;

namespace ReleaseManagement.Azure.Tests;

/// <summary>Counts storage requests, and the entities their answers return (a query's page: its rows; a point read: one).</summary>
internal sealed class RequestCounter : HttpPipelineSynchronousPolicy
{
    private int _requests;
    private int _entities;

    public int Requests => Volatile.Read(ref _requests);

    public int Entities => Volatile.Read(ref _entities);

    public void Reset()
    {
        Volatile.Write(ref _requests, 0);
        Volatile.Write(ref _entities, 0);
    }

    public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _requests);

    public override void OnReceivedResponse(HttpMessage message)
    {
        var response = message.Response;
        if (response.Status != 200 || response.Headers.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
        {
            return;
        }

        using var json = JsonDocument.Parse(response.Content);
        var found = json.RootElement.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.Array ? value.GetArrayLength()
            : json.RootElement.TryGetProperty("PartitionKey", out _) ? 1 : 0;
        Interlocked.Add(ref _entities, found);
    }
}
