using Azure;
using Azure.Data.Tables;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Tables;

/// <summary>
/// The sends' claims in table <c>Sends</c>: partition the release id, row the send's key (<see cref="RowKey"/>), with
/// the holder (<c>Owner</c>), its lease (<c>Until</c>) and, once it went out, <c>SentAt</c> and <c>Result</c>. Taking a
/// send is an insert or an ETag-conditional replace, so of concurrent claimants exactly one wins; a loser reads again.
/// </summary>
public sealed class TableSendClaims(TableServiceClient service) : ISendClaims
{
    private readonly TableClient _table = service.GetTableClient(TableNames.Sends);
    private volatile bool _created;

    public async Task<SendClaim> ClaimAsync(string releaseId, string key, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var row = RowKey(key);
        while (true)
        {
            var existing = await _table.GetEntityIfExistsAsync<TableEntity>(releaseId, row, cancellationToken: cancellationToken);
            if (!existing.HasValue)
            {
                try
                {
                    await _table.AddEntityAsync(new TableEntity(releaseId, row) { ["Owner"] = owner, ["Until"] = until }, cancellationToken);
                    return SendClaim.Claimed;
                }
                catch (RequestFailedException e) when (e.Status == 409)
                {
                    continue; // another claimant inserted it first: read theirs
                }
            }

            var entity = existing.Value!;
            if (entity.GetDateTimeOffset("SentAt") is not null)
            {
                return new SendClaim(SendClaimState.Done, entity.GetInt32("Result") ?? 0);
            }

            var holder = entity.GetString("Owner");
            var held = entity.GetDateTimeOffset("Until");
            if (holder != owner && held > now)
            {
                return new SendClaim(SendClaimState.Held, Until: held);
            }

            entity["Owner"] = owner;
            entity["Until"] = until;
            try
            {
                await _table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
                return SendClaim.Claimed;
            }
            catch (RequestFailedException e) when (e.Status is 412 or 404)
            {
                // changed (or, never here, deleted) since read: read again
            }
        }
    }

    public async Task CompleteAsync(string releaseId, string key, int result, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var row = RowKey(key);
        while (true)
        {
            var existing = await _table.GetEntityIfExistsAsync<TableEntity>(releaseId, row, cancellationToken: cancellationToken);
            if (existing.HasValue && existing.Value!.GetDateTimeOffset("SentAt") is not null)
            {
                return; // the first completion's result stays
            }

            var entity = new TableEntity(releaseId, row) { ["SentAt"] = at, ["Result"] = result };
            try
            {
                if (existing.HasValue)
                {
                    await _table.UpdateEntityAsync(entity, existing.Value!.ETag, TableUpdateMode.Merge, cancellationToken);
                }
                else
                {
                    await _table.AddEntityAsync(entity, cancellationToken);
                }

                return;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 or 404)
            {
                // changed since read: read again
            }
        }
    }

    public async Task ReleaseAsync(string releaseId, string key, string owner, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var existing = await _table.GetEntityIfExistsAsync<TableEntity>(releaseId, RowKey(key), cancellationToken: cancellationToken);
        if (!existing.HasValue || existing.Value!.GetString("Owner") != owner || existing.Value.GetDateTimeOffset("SentAt") is not null)
        {
            return;
        }

        var entity = existing.Value;
        entity["Until"] = DateTimeOffset.UnixEpoch;
        try
        {
            await _table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            // someone else's since: nothing of ours to let go
        }
    }

    /// <summary>A send key as a row key: the characters a row key may not hold percent-encoded (<see cref="Events.TableKeys"/>).</summary>
    public static string RowKey(string key) => Events.TableKeys.Encode(key);

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (_created)
        {
            return;
        }

        await _table.CreateIfNotExistsAsync(cancellationToken);
        _created = true;
    }
}
