using Azure;
using Azure.Data.Tables;
using ReleaseManagement.Approvals;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Tables;

/// <summary>
/// Approval links in table <c>ApprovalRequests</c>, two kinds of row:
/// <list type="bullet">
/// <item>the link: partition <c>token:{sha256}</c>, row key empty; found by a point read of the hashed token, and
/// changed only by ETag-conditional replaces, so of concurrent decisions through one link exactly one lands;</item>
/// <item>the send: partition <c>release:{id}</c>, row key <c>{stage}|{round}|{kind}|{approver}</c>; which link a send
/// carries and whether its email went out (the idempotency record of RequestApprovals, and how a stage's links are found);</item>
/// <item>the stage closure: partition <c>release:{id}</c>, row key <c>closed:{stage}</c>, written once; it lies outside
/// every stage's send-key range (<c>{stage}|</c>), as no stage is named <c>closed</c>.</item>
/// </list>
/// The token itself is stored nowhere. Before a Request link is written (added or replaced) it is filed in the day index
/// (<see cref="ApprovalDayIndex"/>) by the UTC day it expires, and before a skipped stage's closure is added, by the day it
/// closed: upserts, so the index is never behind the facts.
/// </summary>
/// <param name="indexTable">The day index's table (<see cref="TableNames.ApprovalsByDay"/>; another name isolates a test).</param>
public sealed class TableApprovalRequestStore(TableServiceClient service, string indexTable = TableNames.ApprovalsByDay) : IApprovalRequestStore
{
    private readonly TableClient _table = service.GetTableClient(TableNames.ApprovalRequests);
    private readonly TableClient _index = service.GetTableClient(indexTable);
    private volatile bool _created;

    public static string LinkPartition(string tokenHash) => $"token:{tokenHash}";

    public static string SendPartition(string releaseId) => $"release:{releaseId}";

    /// <summary>The release id of a <see cref="SendPartition"/> key.</summary>
    public static string ReleaseOfSendPartition(string partitionKey) => partitionKey["release:".Length..];

    public async Task<ApprovalRequest?> GetAsync(string tokenHash, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(LinkPartition(tokenHash), string.Empty, cancellationToken: cancellationToken);
        return response.HasValue ? FromEntity(response.Value!) : null;
    }

    public async Task<ApprovalSend?> GetSendAsync(string releaseId, string sendKey, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(SendPartition(releaseId), sendKey, cancellationToken: cancellationToken);
        return response.HasValue ? ToSend(response.Value!) : null;
    }

    public async Task AddAsync(ApprovalRequest request, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        await IndexLinkAsync(request, cancellationToken);
        await _table.AddEntityAsync(ToEntity(request), cancellationToken);

        var previous = await GetSendAsync(request.ReleaseId, request.SendKey, cancellationToken);
        await _table.UpsertEntityAsync(
            new TableEntity(SendPartition(request.ReleaseId), request.SendKey)
            {
                ["TokenHash"] = request.TokenHash,
                ["Stage"] = request.Stage,
                ["SentAt"] = null,
            },
            TableUpdateMode.Replace,
            cancellationToken);

        // An earlier attempt's link whose email may not have gone out: only the newest link of a send may work.
        if (previous is not null && previous.TokenHash != request.TokenHash)
        {
            while (await GetAsync(previous.TokenHash, cancellationToken) is { State: ApprovalRequestState.Open } stale)
            {
                if (await TryUpdateAsync(stale with { State = ApprovalRequestState.Closed, ClosedReason = "This link was replaced by a newer one." }, cancellationToken))
                {
                    break;
                }
            }
        }
    }

    public async Task MarkSentAsync(ApprovalRequest request, DateTimeOffset sentAt, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        await _table.UpdateEntityAsync(
            new TableEntity(SendPartition(request.ReleaseId), request.SendKey) { ["SentAt"] = sentAt },
            ETag.All,
            TableUpdateMode.Merge,
            cancellationToken);
    }

    public async Task<IReadOnlyList<ApprovalSend>> ListSendsAsync(string releaseId, string stage, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var prefix = ApprovalRequestKeys.StagePrefix(stage);
        var upper = prefix[..^1] + (char)(prefix[^1] + 1);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {SendPartition(releaseId)} and RowKey ge {prefix} and RowKey lt {upper}");
        var sends = new List<ApprovalSend>();
        await foreach (var e in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            sends.Add(ToSend(e));
        }

        return sends;
    }

    public static string ClosureRow(string stage) => $"closed:{stage}";

    public async Task MarkStageClosedAsync(ApprovalStageClosure closure, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(closure);
        await EnsureTableAsync(cancellationToken);
        if (closure.Skipped)
        {
            // Filed even if an earlier closure stands (the add below then fails): the reader reads the closure it points at.
            await _index.UpsertEntityAsync(ApprovalDayIndex.SkippedRow(closure.ReleaseId, closure.Stage, closure.ClosedAt), TableUpdateMode.Replace, cancellationToken);
        }

        try
        {
            await _table.AddEntityAsync(
                new TableEntity(SendPartition(closure.ReleaseId), ClosureRow(closure.Stage))
                {
                    ["Stage"] = closure.Stage,
                    ["Reason"] = closure.Reason,
                    ["ClosedAt"] = closure.ClosedAt,
                    ["Skipped"] = closure.Skipped,
                },
                cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Closed before (a retried activity): the first closure stands.
        }
    }

    public async Task<ApprovalStageClosure?> GetStageClosureAsync(string releaseId, string stage, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(SendPartition(releaseId), ClosureRow(stage), cancellationToken: cancellationToken);
        return response.HasValue
            ? new ApprovalStageClosure(releaseId, stage, response.Value!.GetString("Reason") ?? string.Empty, response.Value.GetDateTimeOffset("ClosedAt") ?? default,
                response.Value.GetBoolean("Skipped") ?? false)
            : null;
    }

    public async Task<bool> TryUpdateAsync(ApprovalRequest updated, CancellationToken cancellationToken = default)
    {
        if (updated.ETag is null)
        {
            throw new ArgumentException("Only a request read from the store (with its version) can be updated.", nameof(updated));
        }

        await EnsureTableAsync(cancellationToken);
        await IndexLinkAsync(updated, cancellationToken); // a replace could move the expiry: the index follows first
        try
        {
            await _table.UpdateEntityAsync(ToEntity(updated), new ETag(updated.ETag), TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return false;
        }
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

    private async Task IndexLinkAsync(ApprovalRequest request, CancellationToken cancellationToken)
    {
        if (ApprovalDayIndex.LinkRow(request) is { } row)
        {
            await _index.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
        }
    }

    private static ApprovalSend ToSend(TableEntity e) =>
        new(e.PartitionKey["release:".Length..], e.RowKey, e.GetString("TokenHash") ?? string.Empty, e.GetDateTimeOffset("SentAt"));

    internal static TableEntity ToEntity(ApprovalRequest r) => new(LinkPartition(r.TokenHash), string.Empty)
    {
        ["ReleaseId"] = r.ReleaseId,
        ["Stage"] = r.Stage,
        ["Round"] = r.Round,
        ["Kind"] = r.Kind.ToString(),
        ["Approver"] = r.Approver,
        ["Role"] = r.Role,
        ["CreatedAt"] = r.CreatedAt,
        ["ExpiresAt"] = r.ExpiresAt,
        ["State"] = r.State.ToString(),
        ["DecisionId"] = r.DecisionId,
        ["Approved"] = r.Approved,
        ["DecidedBy"] = r.DecidedBy,
        ["DecidedAt"] = r.DecidedAt,
        ["ClosedReason"] = r.ClosedReason,
        ["OnBehalfOf"] = r.OnBehalfOf,
    };

    internal static ApprovalRequest FromEntity(TableEntity e) => new(
        e.PartitionKey["token:".Length..],
        e.GetString("ReleaseId")!,
        e.GetString("Stage")!,
        e.GetInt32("Round") ?? 1,
        Enum.Parse<ApprovalKind>(e.GetString("Kind")!),
        e.GetString("Approver")!,
        e.GetString("Role") ?? string.Empty,
        e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
        e.GetDateTimeOffset("ExpiresAt") ?? DateTimeOffset.MinValue,
        Enum.Parse<ApprovalRequestState>(e.GetString("State")!),
        e.GetString("DecisionId"),
        e.GetBoolean("Approved"),
        e.GetString("DecidedBy"),
        e.GetDateTimeOffset("DecidedAt"),
        e.GetString("ClosedReason"),
        e.ETag.ToString(),
        e.GetString("OnBehalfOf"));
}
