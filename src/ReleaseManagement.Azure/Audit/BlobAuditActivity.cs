using System.Collections.Concurrent;
using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ReleaseManagement.Azure.Tables;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Audit;

/// <summary>
/// The period index of the audit trail (<see cref="IAuditActivity"/>) as empty write-once blobs in the checkpoint container
/// (<c>audit-checkpoints</c>): <c>_activity/{yyyy-MM}/{releaseId}</c>, one per release (or stream) and month (UTC) in which
/// it has a row. Uploaded only if absent, so a mark is written once per release and month; this process remembers the
/// marks it wrote or found (up to <see cref="CacheLimit"/>) and does not write them again. In Azure the container's
/// retention policy makes the marks as immutable as the checkpoints: rows deleted from the table keep their marks, so the
/// export of their period still reads that trail and finds it broken. A month's marks are one listing
/// (<see cref="ReleaseIdsAsync"/>), whatever the years of history.
/// <para>
/// A late row (its time in another month than its writing: an event that occurred earlier, an import) is marked for the
/// month of its writing too, in <c>_activity/written/{yyyy-MM}/{releaseId}</c> (<see cref="MarkWrittenAsync"/>): not read
/// by the export of a period, read with the others by the daily manifest (<see cref="ReleaseIdsWrittenAsync"/>: two
/// listings a month), which re-reads only the trails written to since the previous manifest.
/// </para>
/// <para>
/// Trails written before the index: the first read in a process checks the backfill mark (<see cref="BackfillMark"/>);
/// without it, <see cref="BackfillAsync"/> marks every row of the audit table (one scan of two columns) and every release
/// whose rows are all gone while a checkpoint is kept (the month of that checkpoint's row), then writes the mark. Once per
/// account; running it twice at once writes the same marks.
/// </para>
/// </summary>
public sealed class BlobAuditActivity(BlobContainerClient container, TableServiceClient tables, string auditTable = TableNames.ReleaseAudit) : IAuditActivity
{
    /// <summary>The folder of the marks: not a release (release ids do not start with '_'), and not listed as one.</summary>
    public const string Folder = "_activity";

    /// <summary>The blob marking that the trails written before the index have been marked.</summary>
    public const string BackfillMark = Folder + "/backfill-v1";

    /// <summary>How many marks this process remembers before it forgets them all (a write again is only a 409).</summary>
    public const int CacheLimit = 100_000;

    private readonly ConcurrentDictionary<string, byte> _marked = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _backfill = new(1, 1);
    private volatile bool _created;
    private volatile bool _backfilled;

    public static string Month(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public static string MarkName(string releaseId, DateTimeOffset at) => $"{Folder}/{Month(at)}/{releaseId}";

    /// <summary>The folder of the marks by month of writing of late rows (not a month: the export's listings skip it).</summary>
    public const string WrittenFolder = Folder + "/written";

    public static string WrittenMarkName(string releaseId, DateTimeOffset writtenAt) => $"{WrittenFolder}/{Month(writtenAt)}/{releaseId}";

    public Task MarkAsync(string releaseId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(releaseId);
        return MarkOnceAsync(MarkName(releaseId, at), cancellationToken);
    }

    public Task MarkWrittenAsync(string releaseId, DateTimeOffset writtenAt, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(releaseId);
        return MarkOnceAsync(WrittenMarkName(releaseId, writtenAt), cancellationToken);
    }

    private async Task MarkOnceAsync(string name, CancellationToken cancellationToken)
    {
        if (_marked.ContainsKey(name))
        {
            return;
        }

        await EnsureContainerAsync(cancellationToken);
        await WriteOnceAsync(name, cancellationToken);
        Remember(name);
    }

    public Task<IReadOnlyList<string>> ReleaseIdsAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default) =>
        ListAsync(from, to, [Folder], cancellationToken);

    public Task<IReadOnlyList<string>> ReleaseIdsWrittenAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default) =>
        ListAsync(from, to, [Folder, WrittenFolder], cancellationToken);

    /// <summary>The ids marked under each of <paramref name="folders"/> for each month overlapping the period: a listing each.</summary>
    private async Task<IReadOnlyList<string>> ListAsync(DateOnly from, DateOnly to, string[] folders, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(to, from);
        await EnsureBackfilledAsync(cancellationToken);
        var prefixes = new List<string>();
        for (var month = new DateOnly(from.Year, from.Month, 1); month <= to; month = month.AddMonths(1))
        {
            prefixes.AddRange(folders.Select(folder => $"{folder}/{month.ToString("yyyy-MM", CultureInfo.InvariantCulture)}/"));
        }

        var read = await Task.WhenAll(prefixes.Select(async prefix =>
        {
            var ids = new List<string>();
            await foreach (var item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken))
            {
                ids.Add(item.Name[prefix.Length..]);
            }

            return ids;
        }));
        return read.SelectMany(ids => ids).Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>
    /// Marks the months of every audit row in the audit table (not the index rows beside them) and of the latest checkpoint of every release kept without rows,
    /// then writes <see cref="BackfillMark"/>; returns how many marks it wrote or found. Idempotent.
    /// </summary>
    public async Task<int> BackfillAsync(CancellationToken cancellationToken = default)
    {
        await EnsureContainerAsync(cancellationToken);
        var table = tables.GetTableClient(auditTable);
        await table.CreateIfNotExistsAsync(cancellationToken);
        var marks = new HashSet<string>(StringComparer.Ordinal);
        var withRows = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>(filter: TableAuditTrail.AllAuditRowsFilter(), maxPerPage: 1000, select: ["PartitionKey", "At"], cancellationToken: cancellationToken))
        {
            withRows.Add(row.PartitionKey);
            if (DateTimeOffset.TryParse(row.GetString("At"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at))
            {
                marks.Add(MarkName(row.PartitionKey, at));
            }
        }

        var checkpoints = new BlobAuditCheckpoints(container);
        foreach (var id in (await checkpoints.ReleaseIdsAsync(cancellationToken)).Where(id => !withRows.Contains(id)))
        {
            if (await checkpoints.LatestAsync(id, cancellationToken) is { } head)
            {
                marks.Add(MarkName(id, head.At));
            }
        }

        await Parallel.ForEachAsync(
            marks,
            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (name, ct) =>
            {
                await WriteOnceAsync(name, ct);
                Remember(name);
            });
        await WriteOnceAsync(BackfillMark, cancellationToken);
        _backfilled = true;
        return marks.Count;
    }

    private async Task EnsureBackfilledAsync(CancellationToken cancellationToken)
    {
        if (_backfilled)
        {
            return;
        }

        await _backfill.WaitAsync(cancellationToken);
        try
        {
            if (_backfilled)
            {
                return;
            }

            await EnsureContainerAsync(cancellationToken);
            if (!(await container.GetBlobClient(BackfillMark).ExistsAsync(cancellationToken)).Value)
            {
                await BackfillAsync(cancellationToken);
            }

            _backfilled = true;
        }
        finally
        {
            _backfill.Release();
        }
    }

    private async Task WriteOnceAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await container.GetBlobClient(name).UploadAsync(
                BinaryData.Empty,
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } },
                cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // Marked already: a mark is never replaced.
        }
    }

    private void Remember(string name)
    {
        if (_marked.Count >= CacheLimit)
        {
            _marked.Clear();
        }

        _marked.TryAdd(name, 0);
    }

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (_created)
        {
            return;
        }

        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        _created = true;
    }
}
