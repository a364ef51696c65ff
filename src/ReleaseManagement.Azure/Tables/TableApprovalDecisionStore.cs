using Azure;
using Azure.Data.Tables;
using ReleaseManagement.Approvals;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Tables;

/// <summary>
/// The audit trail of decisions in table <c>ApprovalDecisions</c>: partition = release id, row key = decision id.
/// Adding is an insert, so recording the same decision twice leaves one row. Each decision is first filed in the day
/// index (<see cref="ApprovalDayIndex"/>, an upsert) by the UTC day it was made.
/// </summary>
/// <param name="indexTable">The day index's table (<see cref="TableNames.ApprovalsByDay"/>; another name isolates a test).</param>
public sealed class TableApprovalDecisionStore(TableServiceClient service, string indexTable = TableNames.ApprovalsByDay) : IApprovalDecisionStore
{
    private readonly TableClient _table = service.GetTableClient(TableNames.ApprovalDecisions);
    private readonly TableClient _index = service.GetTableClient(indexTable);
    private volatile bool _created;

    public async Task AddAsync(ApprovalDecisionRecord d, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        await _index.UpsertEntityAsync(ApprovalDayIndex.DecisionRow(d), TableUpdateMode.Replace, cancellationToken);
        try
        {
            await _table.AddEntityAsync(
                new TableEntity(d.ReleaseId, d.DecisionId)
                {
                    ["Stage"] = d.Stage,
                    ["Decision"] = d.Approved ? "Approved" : "Rejected",
                    ["Approved"] = d.Approved,
                    ["Approver"] = d.Approver,
                    ["Role"] = d.Role,
                    ["Comment"] = d.Comment,
                    ["DecidedAt"] = d.DecidedAt,
                    ["Channel"] = d.Channel,
                    ["ClientAddress"] = d.ClientAddress,
                    ["UserAgent"] = d.UserAgent,
                    ["SignedInAs"] = d.SignedInAs,
                    ["OnBehalfOf"] = d.OnBehalfOf,
                    ["DelegatedRoles"] = d.DelegatedRoles is { Count: > 0 } roles ? string.Join(",", roles) : null,
                    ["ClaimedRoles"] = d.ClaimedRoles is { Count: > 0 } claimed ? string.Join(",", claimed) : null,
                },
                cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Recorded before: a retry of the same decision.
        }
    }

    public async Task<IReadOnlyList<ApprovalDecisionRecord>> ListAsync(string releaseId, string stage, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var list = new List<ApprovalDecisionRecord>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {releaseId} and Stage eq {stage}");
        await foreach (var e in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            list.Add(new ApprovalDecisionRecord(
                e.RowKey, e.PartitionKey, e.GetString("Stage")!, e.GetBoolean("Approved") ?? false, e.GetString("Approver")!,
                e.GetString("Role"), e.GetString("Comment"), e.GetDateTimeOffset("DecidedAt") ?? DateTimeOffset.MinValue,
                e.GetString("Channel") ?? string.Empty, e.GetString("ClientAddress"), e.GetString("UserAgent"), e.GetString("SignedInAs"),
                e.GetString("OnBehalfOf"), e.GetString("DelegatedRoles") is { Length: > 0 } roles ? roles.Split(',') : null,
                e.GetString("ClaimedRoles") is { Length: > 0 } claimed ? claimed.Split(',') : null));
        }

        return list.OrderBy(d => d.DecidedAt).ToList();
    }

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (_created)
        {
            return;
        }

        await _table.CreateIfNotExistsAsync(cancellationToken);
        await _index.CreateIfNotExistsAsync(cancellationToken);
        _created = true;
    }
}
