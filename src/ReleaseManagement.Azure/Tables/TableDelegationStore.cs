using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using ReleaseManagement.Approvals;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Tables;

/// <summary>
/// Delegations in table <c>Delegations</c>, three rows each with the same columns:
/// <list type="bullet">
/// <item>partition <c>id|{id}</c>, row key <c>{id}</c>: the delegation itself. Its insert claims the id (a retry finds it
/// and stores nothing new) and a cancellation is written here first: what decides whether a delegation runs;</item>
/// <item>partition <c>owner|{person}</c> and <c>to|{person}</c> (the person lower-cased and escaped), row key <c>{id}</c>:
/// copies, so that the delegations of an owner, or to a delegate, running at a time are one partition query.</item>
/// </list>
/// The copies are written after the delegation (upserts, again on a retry and on every cancel), so a write cut short is
/// repaired by retrying it; a caller that acts on a copy (a decision) reads the delegation itself again.
/// </summary>
public sealed class TableDelegationStore(TableServiceClient service) : IDelegationStore
{
    private readonly TableClient _table = service.GetTableClient(TableNames.Delegations);
    private volatile bool _created;

    public async Task<Delegation> AddAsync(Delegation delegation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delegation);
        await EnsureTableAsync(cancellationToken);
        var stored = delegation;
        try
        {
            await _table.AddEntityAsync(ToEntity(IdPartition(delegation.Id), delegation), cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            stored = await GetAsync(delegation.Id, cancellationToken) ?? throw new InvalidOperationException($"Delegation '{delegation.Id}' exists but could not be read.", e);
        }

        await WriteCopiesAsync(stored, cancellationToken);
        return stored;
    }

    public async Task<Delegation?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(IdPartition(id), id, cancellationToken: cancellationToken);
        return found.HasValue ? FromEntity(found.Value!) : null;
    }

    public Task<IReadOnlyList<Delegation>> ListByOwnerAsync(string owner, DateTimeOffset? activeAt = null, CancellationToken cancellationToken = default) =>
        ListAsync(OwnerPartition(owner), activeAt, cancellationToken);

    public Task<IReadOnlyList<Delegation>> ListByDelegateAsync(string @delegate, DateTimeOffset? activeAt = null, CancellationToken cancellationToken = default) =>
        ListAsync(DelegatePartition(@delegate), activeAt, cancellationToken);

    public async Task<Delegation?> CancelAsync(string id, DateTimeOffset at, string by, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        while (true)
        {
            var found = await _table.GetEntityIfExistsAsync<TableEntity>(IdPartition(id), id, cancellationToken: cancellationToken);
            if (!found.HasValue)
            {
                return null;
            }

            var current = FromEntity(found.Value!);
            if (current.CancelledAt is not null)
            {
                await WriteCopiesAsync(current, cancellationToken);
                return current;
            }

            var cancelled = current with { CancelledAt = at, CancelledBy = by };
            try
            {
                await _table.UpdateEntityAsync(ToEntity(IdPartition(id), cancelled), found.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                continue;
            }

            await WriteCopiesAsync(cancelled, cancellationToken);
            return cancelled;
        }
    }

    private async Task<IReadOnlyList<Delegation>> ListAsync(string partition, DateTimeOffset? activeAt, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var filter = activeAt is { } t
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partition} and From le {t} and Until gt {t}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partition}");
        var list = new List<Delegation>();
        await foreach (var e in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            var d = FromEntity(e);
            if (activeAt is not { } at || d.IsActive(at))
            {
                list.Add(d);
            }
        }

        return list.OrderBy(d => d.CreatedAt).ThenBy(d => d.Id, StringComparer.Ordinal).ToList();
    }

    private async Task WriteCopiesAsync(Delegation d, CancellationToken cancellationToken)
    {
        await _table.UpsertEntityAsync(ToEntity(OwnerPartition(d.Owner), d), TableUpdateMode.Replace, cancellationToken);
        await _table.UpsertEntityAsync(ToEntity(DelegatePartition(d.Delegate), d), TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>The partition of a delegation's own row.</summary>
    public static string IdPartition(string id) => $"id|{id}";

    /// <summary>The partition of the copies of an owner's delegations.</summary>
    public static string OwnerPartition(string person) => $"owner|{PersonKey(person)}";

    /// <summary>The partition of the copies of the delegations to a delegate.</summary>
    public static string DelegatePartition(string person) => $"to|{PersonKey(person)}";

    private static string PersonKey(string person) => Uri.EscapeDataString(person.Trim().ToLowerInvariant());

    private static TableEntity ToEntity(string partition, Delegation d) => new(partition, d.Id)
    {
        ["Owner"] = d.Owner,
        ["Delegate"] = d.Delegate,
        ["Roles"] = JsonSerializer.Serialize(d.Roles),
        ["From"] = d.From,
        ["Until"] = d.Until,
        ["Reason"] = d.Reason,
        ["CreatedAt"] = d.CreatedAt,
        ["CancelledAt"] = d.CancelledAt,
        ["CancelledBy"] = d.CancelledBy,
    };

    private static Delegation FromEntity(TableEntity e) => new(
        e.RowKey,
        e.GetString("Owner") ?? string.Empty,
        e.GetString("Delegate") ?? string.Empty,
        JsonSerializer.Deserialize<string[]>(e.GetString("Roles") ?? "[]") ?? [],
        e.GetDateTimeOffset("From") ?? DateTimeOffset.MinValue,
        e.GetDateTimeOffset("Until") ?? DateTimeOffset.MinValue,
        e.GetString("Reason"),
        e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
        e.GetDateTimeOffset("CancelledAt"),
        e.GetString("CancelledBy"));

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
