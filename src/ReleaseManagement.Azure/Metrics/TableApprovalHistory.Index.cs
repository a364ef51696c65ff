using Azure.Data.Tables;
using ReleaseManagement.Approvals;
using ReleaseManagement.Azure.Tables;

namespace ReleaseManagement.Azure.Metrics;

/// <summary>The day index's reads and its one-time backfill (<see cref="ApprovalDayIndex"/>).</summary>
public sealed partial class TableApprovalHistory
{
    /// <summary>The index rows filed on <paramref name="days"/> whose time lies in [from, to): one query per day.</summary>
    private async Task<IReadOnlyList<TableEntity>> IndexRowsAsync(IReadOnlyList<DateOnly> days, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var read = await Task.WhenAll(days.Select(day =>
        {
            var partition = ApprovalDayIndex.Partition(day);
            return ReadAsync(_index, TableClient.CreateQueryFilter($"PartitionKey eq {partition} and At ge {from} and At lt {to}"), cancellationToken);
        }));
        return read.SelectMany(rows => rows).ToArray();
    }

    private static TableEntity[] OfKind(IReadOnlyList<TableEntity> rows, string kind) => rows.Where(r => r.GetString("Kind") == kind).ToArray();

    private static async Task<IReadOnlyList<TableEntity>> ReadAsync(TableClient table, string filter, CancellationToken cancellationToken)
    {
        var rows = new List<TableEntity>();
        await foreach (var e in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            rows.Add(e);
        }

        return rows;
    }

    /// <summary>
    /// Creates the tables and, on an account whose day index has no <see cref="ApprovalDayIndex.BackfillMark"/>, files every
    /// fact written before the index (one scan of each fact table: the decisions, the skipped closures, the Request links;
    /// rows written by partition in transactions of up to 100), then sets the mark. Once per instance a point read of the
    /// mark. The three tables are created at once, then the mark is read; concurrent first calls share one run
    /// (<see cref="FirstUse"/>). Safe to run twice at once and beside the stores (upserts of the same rows).
    /// </summary>
    private Task EnsureAsync(CancellationToken cancellationToken) => _created.EnsureAsync(SetUpAsync, cancellationToken);

    /// <inheritdoc/>
    public Task WarmUpAsync(CancellationToken cancellationToken) => EnsureAsync(cancellationToken);

    private async Task SetUpAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(
            _decisions.CreateIfNotExistsAsync(cancellationToken),
            _requests.CreateIfNotExistsAsync(cancellationToken),
            _index.CreateIfNotExistsAsync(cancellationToken));
        var mark = await _index.GetEntityIfExistsAsync<TableEntity>(ApprovalDayIndex.MetaPartition, ApprovalDayIndex.BackfillMark, select: ["RowKey"], cancellationToken: cancellationToken);
        if (!mark.HasValue)
        {
            await BackfillAsync(cancellationToken);
        }
    }

    private async Task BackfillAsync(CancellationToken cancellationToken)
    {
        var rows = new List<TableEntity>();
        await foreach (var e in _decisions.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey", "DecidedAt"], cancellationToken: cancellationToken))
        {
            rows.Add(ApprovalDayIndex.DecisionRow(e.PartitionKey, e.RowKey, e.GetDateTimeOffset("DecidedAt") ?? DateTimeOffset.MinValue));
        }

        var skipped = TableClient.CreateQueryFilter($"PartitionKey ge {"release:"} and PartitionKey lt {"release;"} and Skipped eq {true}");
        await foreach (var e in _requests.QueryAsync<TableEntity>(skipped, cancellationToken: cancellationToken))
        {
            rows.Add(ApprovalDayIndex.SkippedRow(
                TableApprovalRequestStore.ReleaseOfSendPartition(e.PartitionKey), e.GetString("Stage") ?? string.Empty, e.GetDateTimeOffset("ClosedAt") ?? DateTimeOffset.MinValue));
        }

        var links = TableClient.CreateQueryFilter($"PartitionKey ge {"token:"} and PartitionKey lt {"token;"} and Kind eq {nameof(ApprovalKind.Request)}");
        await foreach (var e in _requests.QueryAsync<TableEntity>(links, cancellationToken: cancellationToken))
        {
            rows.Add(ApprovalDayIndex.LinkRow(TableApprovalRequestStore.FromEntity(e))!);
        }

        foreach (var partition in rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal))
        {
            foreach (var chunk in partition.DistinctBy(r => r.RowKey, StringComparer.Ordinal).Chunk(100))
            {
                await _index.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)), cancellationToken);
            }
        }

        await _index.UpsertEntityAsync(
            new TableEntity(ApprovalDayIndex.MetaPartition, ApprovalDayIndex.BackfillMark) { ["Rows"] = rows.Count },
            TableUpdateMode.Replace, cancellationToken);
    }
}
