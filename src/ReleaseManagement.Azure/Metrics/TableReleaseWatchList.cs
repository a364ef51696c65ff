using Azure.Data.Tables;
using ReleaseManagement.Azure.Tables;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Azure.Metrics;

/// <summary>Releases in their watch, from table <c>Releases</c> (written by the orchestration): Phase PostRelease, Status Active.</summary>
public sealed class TableReleaseWatchList(TableServiceClient service) : IReleaseWatchList
{
    private readonly TableClient _table = service.GetTableClient(TableNames.Releases);
    private volatile bool _created;

    public async Task<IReadOnlyList<ReleaseRecord>> ListInWatchAsync(CancellationToken cancellationToken = default)
    {
        await TableOnce.EnsureAsync(_table, () => _created, () => _created = true, cancellationToken);
        var filter = TableClient.CreateQueryFilter($"RowKey eq {TableReleaseStore.RowKey} and Phase eq {nameof(ReleasePhase.PostRelease)} and Status eq {nameof(ReleaseStatus.Active)}");
        var list = new List<ReleaseRecord>();
        await foreach (var e in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            list.Add(TableReleaseStore.FromEntity(e));
        }

        return list;
    }
}
