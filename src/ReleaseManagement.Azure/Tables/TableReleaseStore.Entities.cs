using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Azure.Tables;

/// <summary>The release row as a table entity and back (the request, its scope, the policy hash and the projected standing).</summary>
public sealed partial class TableReleaseStore
{
    private static readonly JsonSerializerOptions ScopeJson = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

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
        ["Scope"] = record.Request.Scope is null ? null : JsonSerializer.Serialize(record.Request.Scope, ScopeJson),
        ["Notes"] = record.Request.Notes,
        ["ReclassifiedFrom"] = record.Request.ReclassifiedFrom?.ToString(),
        ["Objectives"] = record.Request.Objectives is null ? null : JsonSerializer.Serialize(record.Request.Objectives, ScopeJson),
        ["FeatureFlags"] = record.Request.FeatureFlags is null ? null : JsonSerializer.Serialize(record.Request.FeatureFlags, ScopeJson),
        ["CreatedAt"] = record.CreatedAt,
        ["Phase"] = record.Phase.ToString(),
        ["Status"] = record.Status.ToString(),
        ["StatusReason"] = record.StatusReason,
        ["UpdatedAt"] = record.UpdatedAt,
        ["PolicyHash"] = record.PolicyHash,
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
            e.GetString("Probability") is { } probability ? Enum.Parse<RiskRating>(probability) : RiskRating.Medium,
            e.GetString("Scope") is { } scope ? JsonSerializer.Deserialize<ScopeItem[]>(scope, ScopeJson) : null,
            e.GetString("Notes"),
            e.GetString("ReclassifiedFrom") is { } from ? Enum.Parse<ChangeCategory>(from) : null,
            Objectives: e.GetString("Objectives") is { } objectives ? JsonSerializer.Deserialize<Objectives.BusinessObjective[]>(objectives, ScopeJson) : null,
            FeatureFlags: e.GetString("FeatureFlags") is { } flags ? JsonSerializer.Deserialize<FeatureFlag[]>(flags, ScopeJson) : null);
        return new ReleaseRecord(
            request,
            e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
            Enum.Parse<ReleasePhase>(e.GetString("Phase")!),
            Enum.Parse<ReleaseStatus>(e.GetString("Status")!),
            e.GetString("StatusReason"),
            e.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.MinValue,
            e.GetString("Stage"),
            e.GetString("Gates") is { } gates ? JsonSerializer.Deserialize<GateItemStatus[]>(gates) : null,
            e.GetString("PendingApprovals") is { } pending ? JsonSerializer.Deserialize<PendingApproval[]>(pending) : null,
            e.GetString("Risk"),
            ReadWarnings(e),
            e.GetString("PolicyHash"),
            e.GetString(RolloutColumn) is { Length: > 0 } rollout ? JsonSerializer.Deserialize<RolloutProgress>(rollout) : null);
    }
}
