using Azure;
using Azure.Data.Tables;
using ReleaseManagement.Azure.Events;
using ReleaseManagement.Feedback;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Tables;

/// <summary>
/// Feedback links in table <c>Feedback</c>: partition the release id (encoded, <see cref="TableKeys"/>), row key the token's
/// hash; and an index row per link (partition <c>token</c>, row key the hash) naming its release, so that a link of the URL
/// <c>/api/feedback/{token}</c> is two point reads. The index is written first: a link that was indexed and not stored
/// (a write cut short) is not found, and its send's retry writes both. The answer is written on the link's row under its
/// ETag, so one answer stands however many posts race for it. A release's satisfaction is one partition query, as long as
/// its list of readers.
/// </summary>
public sealed class TableFeedbackStore(TableServiceClient service) : IFeedbackStore
{
    private readonly TableClient _table = service.GetTableClient(TableNames.Feedback);
    private volatile bool _created;

    public async Task AddAsync(FeedbackLink link, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(link);
        await EnsureTableAsync(cancellationToken);
        await _table.UpsertEntityAsync(new TableEntity(IndexPartition, link.TokenHash) { ["ReleaseId"] = link.ReleaseId }, TableUpdateMode.Replace, cancellationToken);
        try
        {
            await _table.AddEntityAsync(new TableEntity(TableKeys.Encode(link.ReleaseId), link.TokenHash)
            {
                ["ReleaseId"] = link.ReleaseId,
                ["Recipient"] = link.Recipient,
                ["NoticeId"] = link.NoticeId,
                ["SentAt"] = link.SentAt,
            }, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // A retried send: the link is stored already (and may be answered); it stays as it is.
        }
    }

    public async Task<FeedbackLink?> GetAsync(string tokenHash, CancellationToken cancellationToken = default) =>
        await FindAsync(tokenHash, cancellationToken) is { } row ? FromEntity(row) : null;

    public async Task<FeedbackAnswerOutcome> AnswerAsync(string tokenHash, int rating, string? comment, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        if (await FindAsync(tokenHash, cancellationToken) is not { } row)
        {
            return FeedbackAnswerOutcome.NotFound;
        }

        if (row.GetInt32("Rating") is not null)
        {
            return FeedbackAnswerOutcome.AlreadyAnswered;
        }

        row["Rating"] = rating;
        row["Comment"] = comment;
        row["AnsweredAt"] = at;
        try
        {
            await _table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
            return FeedbackAnswerOutcome.Recorded;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            // Another post answered it between the read and the write: that answer stands.
            return FeedbackAnswerOutcome.AlreadyAnswered;
        }
    }

    public async Task<IReadOnlyList<FeedbackLink>> ListAsync(string releaseId, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var list = new List<FeedbackLink>();
        await foreach (var e in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Encode(releaseId)}"), cancellationToken: cancellationToken))
        {
            list.Add(FromEntity(e));
        }

        return list.OrderBy(l => l.SentAt).ThenBy(l => l.Recipient, StringComparer.Ordinal).ToList();
    }

    private const string IndexPartition = "token";

    private async Task<TableEntity?> FindAsync(string tokenHash, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var index = await _table.GetEntityIfExistsAsync<TableEntity>(IndexPartition, tokenHash, cancellationToken: cancellationToken);
        if (!index.HasValue || index.Value!.GetString("ReleaseId") is not { } releaseId)
        {
            return null;
        }

        var found = await _table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Encode(releaseId), tokenHash, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    private static FeedbackLink FromEntity(TableEntity e) => new(
        e.GetString("ReleaseId") ?? string.Empty, e.RowKey, e.GetString("Recipient") ?? string.Empty, e.GetString("NoticeId") ?? string.Empty,
        e.GetDateTimeOffset("SentAt") ?? DateTimeOffset.MinValue)
    {
        Rating = e.GetInt32("Rating"),
        Comment = e.GetString("Comment"),
        AnsweredAt = e.GetDateTimeOffset("AnsweredAt"),
    };

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
