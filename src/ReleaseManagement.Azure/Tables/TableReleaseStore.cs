using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Azure.Tables;

/// <summary>
/// Releases in table <c>Releases</c>, one partition per release (partition key = release id): the row "release" holds the
/// request, the hash of the policy it runs under (written at creation only) and its projected standing, rows
/// "timeline-{writer}-NNNNNN" its timeline. Creation is a conditional insert (the id is the guard against duplicates);
/// status changes and warnings are merges and timeline rows upserts keyed by their writer and sequence, so a retried write
/// leaves the same rows. The admission index (<c>ReleaseIndex</c>, TableReleaseStore.Index.cs) is kept here too, ahead of
/// the release row.
/// </summary>
/// <param name="service">The account's table service.</param>
/// <param name="indexTable">The admission index's table (<see cref="TableNames.ReleaseIndex"/>; another name isolates a test).</param>
/// <param name="time">The clock of the listings' default windows (<see cref="DefaultEndedWindow"/>); the system's when null.</param>
public sealed partial class TableReleaseStore(TableServiceClient service, string indexTable = TableNames.ReleaseIndex, TimeProvider? time = null) : IReleaseStore, IStorageWarmUp
{
    public const string RowKey = "release";
    public const string TimelinePrefix = "timeline-";
    private const string WarningPrefix = "Warning_";

    /// <summary>A transaction holds at most 100 operations: one per timeline row and one for the release row.</summary>
    private const int MaxTransactionUpdates = 99;

    private readonly TableClient _table = service.GetTableClient(TableNames.Releases);
    private readonly TableClient _index = service.GetTableClient(indexTable);
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    // Shared by concurrent first calls (the metrics page reads several releases at once): one check, not one each.
    private readonly FirstUse _created = new();

    public async Task<bool> TryCreateAsync(ReleaseRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        await EnsureTableAsync(cancellationToken);

        // The index first (see the index's write order): a crash before the release row leaves a row the retry rewrites.
        await SyncIndexAsync(null, record, cancellationToken);
        try
        {
            await _table.AddEntityAsync(ToEntity(record), cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // The id is taken: the index keeps the stored release's rows, not this request's.
            await SyncIndexAsync(record, await GetAsync(record.Request.Id, cancellationToken), cancellationToken);
            return false;
        }
    }

    public async Task<ReleaseRecord?> GetAsync(string releaseId, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(releaseId, RowKey, cancellationToken: cancellationToken);
        return response.HasValue ? FromEntity(response.Value!) : null;
    }

    public async Task ApplyAsync(ReleaseWrite write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        await EnsureTableAsync(cancellationToken);
        switch (write)
        {
            case ReleaseStatusChange change:
                await IndexStatusChangesAsync([change], cancellationToken);
                await _table.UpsertEntityAsync(TimelineEntity(change.ReleaseId, change.Line), TableUpdateMode.Replace, cancellationToken);
                await _table.UpsertEntityAsync(StatusEntity(change), TableUpdateMode.Merge, cancellationToken);
                break;
            case TimelineNote note:
                await _table.UpsertEntityAsync(TimelineEntity(note.ReleaseId, note.Line), TableUpdateMode.Replace, cancellationToken);
                break;
            case WarningChange warnings:
                // The release row must exist: warnings of an unknown release are an error, not a new row.
                var entity = new TableEntity(warnings.ReleaseId, RowKey);
                SetWarnings(entity, warnings);
                await _table.UpdateEntityAsync(entity, ETag.All, TableUpdateMode.Merge, cancellationToken);
                break;
            case RolloutChange rollout:
                await _table.UpdateEntityAsync(new TableEntity(rollout.ReleaseId, RowKey) { [RolloutColumn] = JsonSerializer.Serialize(rollout.Rollout) },
                    ETag.All, TableUpdateMode.Merge, cancellationToken);
                break;
        }
    }

    /// <summary>
    /// Several writes of one release (the lifecycle writes a step's together) in one entity-group transaction of its
    /// partition: each timeline line an upsert of its row, and the release row one merge of the writes' columns folded in
    /// order (a later write's value replaces an earlier one's, as the merges one after another would leave it).
    /// Idempotent as <see cref="ApplyAsync"/>. Writes of several releases, or more than a transaction holds, are applied
    /// one by one.
    /// </summary>
    public async Task ApplyAllAsync(IReadOnlyList<ReleaseWrite> writes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writes);
        if (writes.Count < 2 || writes.Count > MaxTransactionUpdates || writes.Any(u => u.ReleaseId != writes[0].ReleaseId))
        {
            foreach (var write in writes)
            {
                await ApplyAsync(write, cancellationToken);
            }

            return;
        }

        await EnsureTableAsync(cancellationToken);
        await IndexStatusChangesAsync(writes, cancellationToken);
        var lines = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        var release = new TableEntity(writes[0].ReleaseId, RowKey);
        var statusChanged = false;
        foreach (var write in writes)
        {
            switch (write)
            {
                case ReleaseStatusChange change:
                    statusChanged = true;
                    AddLine(change.Line);
                    foreach (var (key, value) in StatusEntity(change).Where(kv => kv.Key is not ("PartitionKey" or "RowKey" or "odata.etag")))
                    {
                        release[key] = value;
                    }

                    break;
                case TimelineNote note:
                    AddLine(note.Line);
                    break;
                case WarningChange warnings:
                    SetWarnings(release, warnings);
                    break;
                case RolloutChange rollout:
                    release[RolloutColumn] = JsonSerializer.Serialize(rollout.Rollout);
                    break;
            }
        }

        // A transaction may touch an entity once: a line written twice in one batch is written as it was last.
        var actions = lines.Values.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)).ToList();
        if (statusChanged)
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertMerge, release));
        }
        else if (release.Keys.Any(k => k.StartsWith(WarningPrefix, StringComparison.Ordinal) || k == RolloutColumn))
        {
            // Only warnings set or cleared, or the rollout: the row must exist, as ApplyAsync's update requires.
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateMerge, release, ETag.All));
        }

        await _table.SubmitTransactionAsync(actions, cancellationToken);

        void AddLine(TimelineEntry line)
        {
            var entity = TimelineEntity(writes[0].ReleaseId, line);
            lines[entity.RowKey] = entity;
        }
    }

    private static TableEntity TimelineEntity(string releaseId, TimelineEntry line) => new(releaseId, TimelineRowKey(line.Writer, line.Sequence))
    {
        ["Writer"] = line.Writer,
        ["Sequence"] = line.Sequence,
        ["At"] = line.At,
        ["Phase"] = line.Phase?.ToString(),
        ["Kind"] = line.Kind,
        ["Message"] = line.Message,
        ["Subject"] = line.Subject,
        ["Outcome"] = line.Outcome,
        ["Recipients"] = line.Recipients,
    };

    /// <summary>The release row's columns a status change merges.</summary>
    private static TableEntity StatusEntity(ReleaseStatusChange update)
    {
        var entity = new TableEntity(update.ReleaseId, RowKey)
        {
            ["Phase"] = update.Phase.ToString(),
            ["Status"] = update.Status.ToString(),
            ["StatusReason"] = update.Reason,
            ["UpdatedAt"] = update.At,
        };
        if (update.Stage is not null)
        {
            entity["Stage"] = update.Stage;
        }

        if (update.Gates is not null)
        {
            entity["Gates"] = JsonSerializer.Serialize(update.Gates);
        }

        if (update.PendingApprovals is not null)
        {
            entity["PendingApprovals"] = JsonSerializer.Serialize(update.PendingApprovals);
        }

        if (update.TargetDate is { } targetDate)
        {
            entity["TargetDate"] = targetDate.ToString("yyyy-MM-dd");
        }

        if (update.Risk is not null)
        {
            entity["Risk"] = update.Risk;
        }

        return entity;
    }

    /// <summary>
    /// Warnings are columns of the release row, one per code (<c>Warning_missing_health_data</c>), so setting one is a merge
    /// that needs no read and leaves the others as stored; a cleared warning's column is emptied (a merge cannot remove it).
    /// </summary>
    private static void SetWarnings(TableEntity entity, WarningChange change)
    {
        foreach (var code in change.Cleared)
        {
            entity[WarningColumn(code)] = string.Empty;
        }

        foreach (var warning in change.Set)
        {
            entity[WarningColumn(warning.Code)] = JsonSerializer.Serialize(warning);
        }
    }

    /// <summary>Production's stepwise rollout (<see cref="RolloutProgress"/>), as JSON in one column of the release row.</summary>
    internal const string RolloutColumn = "Rollout";

    private static string WarningColumn(string code) => ReleaseWarning.IsValidCode(code)
        ? WarningPrefix + code.Replace('-', '_')
        : throw new ArgumentException($"'{code}' is not a valid warning code (lower-case letters, digits and dashes).", nameof(code));

    private static ReleaseWarning[]? ReadWarnings(TableEntity e)
    {
        var warnings = e.Keys
            .Where(k => k.StartsWith(WarningPrefix, StringComparison.Ordinal))
            .Select(k => e.GetString(k))
            .Where(v => !string.IsNullOrEmpty(v))
            .Select(v => JsonSerializer.Deserialize<ReleaseWarning>(v!)!)
            .OrderBy(w => w.Code, StringComparer.Ordinal)
            .ToArray();
        return warnings.Length == 0 ? null : warnings;
    }

    public async Task<IReadOnlyList<TimelineEntry>> GetTimelineAsync(string releaseId, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {releaseId} and RowKey ge {TimelinePrefix} and RowKey lt {TimelinePrefix + "~"}");
        var lines = new List<TimelineEntry>();
        await foreach (var e in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            lines.Add(new TimelineEntry(
                e.GetInt32("Sequence") ?? 0,
                e.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue,
                e.GetString("Phase") is { Length: > 0 } phase ? Enum.Parse<ReleasePhase>(phase) : null,
                e.GetString("Kind") ?? string.Empty,
                e.GetString("Message") ?? string.Empty,
                e.GetString("Writer") ?? TimelineWriters.Lifecycle,
                e.GetString("Subject"),
                e.GetString("Outcome"),
                e.GetInt32("Recipients")));
        }

        return TimelineOrder.Of(lines);
    }

    /// <summary>
    /// The releases matching <paramref name="query"/>, newest first. A query bounded by a status, target dates or
    /// <see cref="ReleaseQuery.EndedSince"/> reads only the listing partitions those name (TableReleaseStore.Listing.cs);
    /// an unbounded one (no status, no dates, no <see cref="ReleaseQuery.EndedSince"/>: an export of everything) scans
    /// the release rows.
    /// </summary>
    public async Task<IReadOnlyList<ReleaseRecord>> ListAsync(ReleaseQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await EnsureTableAsync(cancellationToken);
        if (await ListFromPartitionsAsync(query, cancellationToken) is { } listed)
        {
            return listed;
        }

        var filter = TableClient.CreateQueryFilter($"RowKey eq {RowKey}");
        if (query.Type is { } type)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Type eq {type.ToString()}");
        }

        var records = new List<ReleaseRecord>();
        await foreach (var e in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            var record = FromEntity(e);
            if (query.System is null || record.Request.Systems.Contains(query.System, StringComparer.OrdinalIgnoreCase))
            {
                records.Add(record);
            }
        }

        return records.OrderByDescending(r => r.CreatedAt).Take(query.Max).ToArray();
    }

    /// <summary>A timeline line's row: its writer's name and its sequence (<c>timeline-lifecycle-000012</c>).</summary>
    public static string TimelineRowKey(string writer, int sequence) => TimelineWriters.IsValid(writer)
        ? $"{TimelinePrefix}{writer}-{sequence:D6}"
        : throw new ArgumentException($"'{writer}' is not a valid timeline writer (lower-case letters).", nameof(writer));

    /// <summary>
    /// Once per instance, before any read or write: the release table created, then the index's first-use check
    /// (<see cref="EnsureIndexAsync"/>), in a row (one request at a time: a hung storage sees one attempt).
    /// </summary>
    /// <inheritdoc/>
    public Task WarmUpAsync(CancellationToken cancellationToken) => EnsureTableAsync(cancellationToken);

    private Task EnsureTableAsync(CancellationToken cancellationToken) => _created.EnsureAsync(
        async ct =>
        {
            await _table.CreateIfNotExistsAsync(ct);
            await EnsureIndexAsync(ct);
        },
        cancellationToken);

    /// <summary>Scope items as stored: kinds by name.</summary>
}
