using Azure.Data.Tables;
using ReleaseManagement.Approvals;
using ReleaseManagement.Azure.Tables;
using ReleaseManagement.Metrics;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Metrics;

/// <summary>
/// Approval history for metrics from tables <c>ApprovalDecisions</c> (decisions with role and time) and
/// <c>ApprovalRequests</c> (sends with the time each email went out; links with their expiry), found by day through the
/// day index <c>ApprovalsByDay</c> (<see cref="ApprovalDayIndex"/>): the facts of [from, to) cost the same reads however
/// many years of approvals the tables hold.
/// </summary>
/// <param name="indexTable">The day index's table (<see cref="TableNames.ApprovalsByDay"/>; another name isolates a test).</param>
public sealed partial class TableApprovalHistory(TableServiceClient service, string indexTable = TableNames.ApprovalsByDay) : IApprovalHistory, IStorageWarmUp
{
    private readonly TableClient _decisions = service.GetTableClient(TableNames.ApprovalDecisions);
    private readonly TableClient _requests = service.GetTableClient(TableNames.ApprovalRequests);
    private readonly TableClient _index = service.GetTableClient(indexTable);
    private readonly FirstUse _created = new();

    private sealed record Decision(string ReleaseId, string Stage, string? Role, string Approver, bool Approved, DateTimeOffset At);

    private sealed record Send(string Stage, ApprovalKind Kind, string Approver, DateTimeOffset SentAt);

    /// <summary>
    /// Reads the day index's partitions of the UTC days [from, to) touches (1 query a day), then the facts they point
    /// at: per release decided in the range its decisions in the range and its sends (2 queries), per release with a
    /// stage skipped in the range its closure rows (1 query), per Request link expiring in the range the link (1 point
    /// read) and, for a role that may have timed out, its stage's decisions (1 query). Results in the order of the
    /// whole-table scans this replaces: decisions by release and decision id, skips by release and stage, timeouts by token.
    /// </summary>
    public async Task<IReadOnlyList<ResolvedApprovalAsk>> ListResolvedAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await EnsureAsync(cancellationToken);
        var rows = await IndexRowsAsync(ApprovalDayIndex.Days(from, to), from, to, cancellationToken);

        // The three kinds of facts read nothing of each other: their reads run at once, their facts keep this order.
        var decided = DecidedAsync(OfKind(rows, ApprovalDayIndex.Decided), from, to, cancellationToken);
        var skipped = SkippedAsync(OfKind(rows, ApprovalDayIndex.Skipped), from, to, cancellationToken);
        var timedOut = TimedOutAsync(OfKind(rows, ApprovalDayIndex.Expires), from, to, cancellationToken);
        await Task.WhenAll(decided, skipped, timedOut);
        return [.. decided.Result, .. skipped.Result, .. timedOut.Result];
    }

    /// <summary>Decisions in the range, each with when its approver (else anyone) was last asked on the stage before it.</summary>
    private async Task<IReadOnlyList<ResolvedApprovalAsk>> DecidedAsync(TableEntity[] decided, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var result = new List<ResolvedApprovalAsk>();
        var decidedReleases = decided.Select(e => e.GetString("ReleaseId")!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var decisionsByRelease = await Task.WhenAll(decidedReleases.Select(async id =>
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {id} and DecidedAt ge {from} and DecidedAt lt {to}");
            var (decisions, sends) = (ReadAsync(_decisions, filter, cancellationToken), SendsAsync(id, cancellationToken));
            return (Decisions: await decisions, Sends: await sends);
        }));
        foreach (var (entities, sends) in decisionsByRelease)
        {
            foreach (var d in entities.Select(ToDecision))
            {
                var asked = sends.Where(s => s.Stage == d.Stage && s.Kind == ApprovalKind.Request && s.SentAt <= d.At).ToList();
                var own = asked.Where(s => string.Equals(s.Approver, d.Approver, StringComparison.OrdinalIgnoreCase)).ToList();
                var askedAt = (own.Count > 0 ? own : asked).Select(s => (DateTimeOffset?)s.SentAt).Max();
                result.Add(new ResolvedApprovalAsk(d.ReleaseId, d.Stage, d.Role ?? "(unknown)", d.Approved ? ApprovalOutcome.Approved : ApprovalOutcome.Rejected, d.At, askedAt));
            }
        }

        return result;
    }

    /// <summary>Stages skipped in the range (pre-approved by the change category): their closure rows say so.</summary>
    private async Task<IReadOnlyList<ResolvedApprovalAsk>> SkippedAsync(TableEntity[] skipped, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var skippedReleases = skipped.Select(e => e.GetString("ReleaseId")!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var closures = await Task.WhenAll(skippedReleases.Select(id =>
        {
            var partition = TableApprovalRequestStore.SendPartition(id);
            var (low, high) = (TableApprovalRequestStore.ClosureRow(string.Empty), "closed;");
            return ReadAsync(_requests, TableClient.CreateQueryFilter(
                $"PartitionKey eq {partition} and RowKey ge {low} and RowKey lt {high} and Skipped eq {true} and ClosedAt ge {from} and ClosedAt lt {to}"), cancellationToken);
        }));
        return closures.SelectMany(rows => rows).Select(e => new ResolvedApprovalAsk(
            TableApprovalRequestStore.ReleaseOfSendPartition(e.PartitionKey), e.GetString("Stage") ?? string.Empty, ApprovalFact.PreApproved,
            ApprovalOutcome.Skipped, e.GetDateTimeOffset("ClosedAt") ?? from, null)).ToList();
    }

    /// <summary>
    /// Request links that expired in the range: a role with no decision on the stage, on a stage nobody rejected, timed out.
    /// The undecided groups' stage decisions are read at once; the groups keep their order.
    /// </summary>
    private async Task<IReadOnlyList<ResolvedApprovalAsk>> TimedOutAsync(TableEntity[] expiring, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var tokens = expiring.Select(e => e.GetString("TokenHash")!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var read = await Task.WhenAll(tokens.Select(token =>
            _requests.GetEntityIfExistsAsync<TableEntity>(TableApprovalRequestStore.LinkPartition(token), string.Empty, cancellationToken: cancellationToken)));
        var links = read.Where(r => r.HasValue).Select(r => TableApprovalRequestStore.FromEntity(r.Value!))
            .Where(l => l.Kind == ApprovalKind.Request && l.ExpiresAt >= from && l.ExpiresAt < to)
            .ToList();

        var undecided = links.GroupBy(l => (l.ReleaseId, l.Stage, l.Round, Role: l.Role.ToLowerInvariant()))
            .Where(group => !group.Any(l => l.State == ApprovalRequestState.Decided))
            .ToArray();
        var decisionsOf = await Task.WhenAll(undecided.Select(group => DecisionsAsync(group.Key.ReleaseId, group.Key.Stage, cancellationToken)));
        var result = new List<ResolvedApprovalAsk>();
        for (var i = 0; i < undecided.Length; i++)
        {
            var group = undecided[i];
            var askedAt = group.Min(l => l.CreatedAt);
            var expiredAt = group.Max(l => l.ExpiresAt);
            var during = decisionsOf[i].Where(d => d.At >= askedAt && d.At <= expiredAt).ToList();
            if (during.Any(d => string.Equals(d.Role, group.Key.Role, StringComparison.OrdinalIgnoreCase)) || during.Any(d => !d.Approved))
            {
                continue;
            }

            result.Add(new ResolvedApprovalAsk(group.Key.ReleaseId, group.Key.Stage, group.First().Role, ApprovalOutcome.TimedOut, expiredAt, askedAt));
        }

        return result;
    }

    public async Task<IReadOnlyList<(string Stage, DateTimeOffset FirstAsked, DateTimeOffset LastDecided, bool Approved)>> StageSpansAsync(string releaseId, CancellationToken cancellationToken = default)
    {
        await EnsureAsync(cancellationToken);
        var (sending, deciding) = (SendsAsync(releaseId, cancellationToken), DecisionsAsync(releaseId, null, cancellationToken));
        await Task.WhenAll(sending, deciding);
        var (sends, decisions) = (sending.Result, deciding.Result);
        var spans = new List<(string, DateTimeOffset, DateTimeOffset, bool)>();
        foreach (var stage in decisions.GroupBy(d => d.Stage, StringComparer.Ordinal))
        {
            var last = stage.MaxBy(d => d.At)!;
            var asked = sends.Where(s => s.Stage == stage.Key && s.Kind == ApprovalKind.Request).Select(s => (DateTimeOffset?)s.SentAt).Min();
            if (asked is { } first && first <= last.At)
            {
                spans.Add((stage.Key, first, last.At, last.Approved));
            }
        }

        return spans;
    }

    private async Task<IReadOnlyList<Send>> SendsAsync(string releaseId, CancellationToken cancellationToken)
    {
        var list = new List<Send>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TableApprovalRequestStore.SendPartition(releaseId)}");
        await foreach (var e in _requests.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            // Row key: stage|round|kind|approver (approver escaped).
            var parts = e.RowKey.Split('|');
            if (parts.Length >= 4 && e.GetDateTimeOffset("SentAt") is { } sentAt && Enum.TryParse<ApprovalKind>(parts[^2], out var kind))
            {
                list.Add(new Send(string.Join('|', parts[..^3]), kind, Uri.UnescapeDataString(parts[^1]), sentAt));
            }
        }

        return list;
    }

    private async Task<IReadOnlyList<Decision>> DecisionsAsync(string releaseId, string? stage, CancellationToken cancellationToken)
    {
        var filter = stage is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {releaseId}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {releaseId} and Stage eq {stage}");
        var list = new List<Decision>();
        await foreach (var e in _decisions.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            list.Add(ToDecision(e));
        }

        return list;
    }

    private static Decision ToDecision(TableEntity e) => new(
        e.PartitionKey, e.GetString("Stage") ?? string.Empty, e.GetString("Role"), e.GetString("Approver") ?? string.Empty,
        e.GetBoolean("Approved") ?? false, e.GetDateTimeOffset("DecidedAt") ?? DateTimeOffset.MinValue);
}
