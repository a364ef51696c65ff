using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Azure.Tables;

/// <summary>
/// Releases in table <c>Releases</c>: one row per release, partition key = release id, row key = "release".
/// Creation is a conditional insert (the id is the guard against duplicates); status updates are merges.
/// </summary>
public sealed class TableReleaseStore(TableServiceClient service) : IReleaseStore
{
    public const string RowKey = "release";

    private readonly TableClient _table = service.GetTableClient(TableNames.Releases);
    private volatile bool _created;

    public async Task<bool> TryCreateAsync(ReleaseRecord record, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        try
        {
            await _table.AddEntityAsync(ToEntity(record), cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    public async Task<ReleaseRecord?> GetAsync(string releaseId, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(releaseId, RowKey, cancellationToken: cancellationToken);
        return response.HasValue ? FromEntity(response.Value!) : null;
    }

    public async Task ApplyAsync(ReleaseStatusUpdate update, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var entity = new TableEntity(update.ReleaseId, RowKey)
        {
            ["Phase"] = update.Phase.ToString(),
            ["Status"] = update.Status.ToString(),
            ["StatusReason"] = update.Reason,
            ["UpdatedAt"] = update.At,
        };
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Merge, cancellationToken);
    }

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (_created)
        {
            return;
        }

        await _table.CreateIfNotExistsAsync(cancellationToken);
        _created = true;
    }

    internal static TableEntity ToEntity(ReleaseRecord record) => new(record.Request.Id, RowKey)
    {
        ["Title"] = record.Request.Title,
        ["Type"] = record.Request.Type.ToString(),
        ["Systems"] = JsonSerializer.Serialize(record.Request.Systems),
        ["TargetDate"] = record.Request.TargetDate.ToString("yyyy-MM-dd"),
        ["RequestedBy"] = record.Request.RequestedBy,
        ["Approvers"] = record.Request.Approvers is null ? null : JsonSerializer.Serialize(record.Request.Approvers),
        ["ChangeCategory"] = record.Request.ChangeCategory?.ToString(),
        ["Impact"] = record.Request.Impact.ToString(),
        ["Probability"] = record.Request.Probability.ToString(),
        ["CreatedAt"] = record.CreatedAt,
        ["Phase"] = record.Phase.ToString(),
        ["Status"] = record.Status.ToString(),
        ["StatusReason"] = record.StatusReason,
        ["UpdatedAt"] = record.UpdatedAt,
    };

    internal static ReleaseRecord FromEntity(TableEntity e)
    {
        var request = new ReleaseRequest(
            e.PartitionKey,
            e.GetString("Title") ?? string.Empty,
            Enum.Parse<ReleaseType>(e.GetString("Type")!),
            JsonSerializer.Deserialize<string[]>(e.GetString("Systems") ?? "[]") ?? [],
            DateOnly.ParseExact(e.GetString("TargetDate")!, "yyyy-MM-dd"),
            e.GetString("RequestedBy"),
            e.GetString("Approvers") is { } approvers ? JsonSerializer.Deserialize<Dictionary<string, string[]>>(approvers)!
                .ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value, StringComparer.Ordinal) : null,
            e.GetString("ChangeCategory") is { } category ? Enum.Parse<ChangeCategory>(category) : null,
            e.GetString("Impact") is { } impact ? Enum.Parse<RiskRating>(impact) : RiskRating.Medium,
            e.GetString("Probability") is { } probability ? Enum.Parse<RiskRating>(probability) : RiskRating.Medium);
        return new ReleaseRecord(
            request,
            e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
            Enum.Parse<ReleasePhase>(e.GetString("Phase")!),
            Enum.Parse<ReleaseStatus>(e.GetString("Status")!),
            e.GetString("StatusReason"),
            e.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.MinValue);
    }
}
