using Azure;
using Azure.Data.Tables;
using ReleaseManagement.Azure.Events;
using ReleaseManagement.Objectives;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Tables;

/// <summary>
/// Business objectives' verdicts in table <c>Objectives</c>: partition the release id (encoded, <see cref="TableKeys"/>), row
/// key <c>{objective}|{checkpoint}</c>. Inserted once: a second verdict for the same checkpoint (a job run again, a second
/// attestation) is refused by the table and the first stands.
/// </summary>
public sealed class TableObjectiveStore(TableServiceClient service) : IObjectiveStore
{
    private readonly TableClient _table = service.GetTableClient(TableNames.Objectives);
    private volatile bool _created;

    public async Task<bool> AddAsync(ObjectiveVerdict verdict, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        await EnsureTableAsync(cancellationToken);
        try
        {
            await _table.AddEntityAsync(new TableEntity(TableKeys.Encode(verdict.ReleaseId), TableKeys.Encode($"{verdict.ObjectiveId}|{verdict.Checkpoint}"))
            {
                ["ReleaseId"] = verdict.ReleaseId,
                ["ObjectiveId"] = verdict.ObjectiveId,
                ["Checkpoint"] = verdict.Checkpoint,
                ["Verdict"] = verdict.Verdict,
                ["At"] = verdict.At,
                ["Reason"] = verdict.Reason,
                ["Value"] = verdict.Value?.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["By"] = verdict.By,
            }, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<ObjectiveVerdict>> ListAsync(string releaseId, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var list = new List<ObjectiveVerdict>();
        await foreach (var e in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Encode(releaseId)}"), cancellationToken: cancellationToken))
        {
            list.Add(new ObjectiveVerdict(
                e.GetString("ReleaseId") ?? releaseId, e.GetString("ObjectiveId") ?? string.Empty, e.GetString("Checkpoint") ?? string.Empty,
                e.GetString("Verdict") ?? string.Empty, e.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue, e.GetString("Reason") ?? string.Empty)
            {
                Value = decimal.TryParse(e.GetString("Value"), System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null,
                By = e.GetString("By"),
            });
        }

        return list.OrderBy(v => v.At).ThenBy(v => v.ObjectiveId, StringComparer.Ordinal).ToList();
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
}
