using Azure.Data.Tables;
using ReleaseManagement.Approvals;
using ReleaseManagement.Azure.Tables;
using ReleaseManagement.Metrics;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Metrics;

/// <summary>
/// Approval history for metrics from tables <c>ApprovalDecisions</c> (decisions with role and time) and
/// <c>ApprovalRequests</c> (sends with the time each email went out; links with their expiry).
/// </summary>
public sealed class TableApprovalHistory(TableServiceClient service) : IApprovalHistory
{
    private readonly TableClient _decisions = service.GetTableClient(TableNames.ApprovalDecisions);
    private readonly TableClient _requests = service.GetTableClient(TableNames.ApprovalRequests);
    private volatile bool _created;

    private sealed record Decision(string ReleaseId, string Stage, string? Role, string Approver, bool Approved, DateTimeOffset At);

    private sealed record Send(string Stage, ApprovalKind Kind, string Approver, DateTimeOffset SentAt);

    public async Task<IReadOnlyList<ResolvedApprovalAsk>> ListResolvedAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await EnsureAsync(cancellationToken);
        var result = new List<ResolvedApprovalAsk>();
        var sendsByRelease = new Dictionary<string, IReadOnlyList<Send>>(StringComparer.Ordinal);

        // Decisions in the range, each with when its approver (else anyone) was last asked on the stage before it.
        await foreach (var e in _decisions.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"DecidedAt ge {from} and DecidedAt lt {to}"), cancellationToken: cancellationToken))
        {
            var d = ToDecision(e);
            if (!sendsByRelease.TryGetValue(d.ReleaseId, out var sends))
            {
                sends = sendsByRelease[d.ReleaseId] = await SendsAsync(d.ReleaseId, cancellationToken);
            }

            var asked = sends.Where(s => s.Stage == d.Stage && s.Kind == ApprovalKind.Request && s.SentAt <= d.At).ToList();
            var own = asked.Where(s => string.Equals(s.Approver, d.Approver, StringComparison.OrdinalIgnoreCase)).ToList();
            var askedAt = (own.Count > 0 ? own : asked).Select(s => (DateTimeOffset?)s.SentAt).Max();
            result.Add(new ResolvedApprovalAsk(d.ReleaseId, d.Stage, d.Role ?? "(unknown)", d.Approved ? ApprovalOutcome.Approved : ApprovalOutcome.Rejected, d.At, askedAt));
        }

        // Stages skipped in the range (pre-approved by the change category): their closure rows say so.
        var skippedFilter = TableClient.CreateQueryFilter($"PartitionKey ge {"release:"} and PartitionKey lt {"release;"} and Skipped eq {true} and ClosedAt ge {from} and ClosedAt lt {to}");
        await foreach (var e in _requests.QueryAsync<TableEntity>(skippedFilter, cancellationToken: cancellationToken))
        {
            result.Add(new ResolvedApprovalAsk(
                TableApprovalRequestStore.ReleaseOfSendPartition(e.PartitionKey), e.GetString("Stage") ?? string.Empty, ApprovalFact.PreApproved,
                ApprovalOutcome.Skipped, e.GetDateTimeOffset("ClosedAt") ?? from, null));
        }

        // Request links that expired in the range: a role with no decision on the stage, on a stage nobody rejected, timed out.
        var linkFilter = TableClient.CreateQueryFilter($"PartitionKey ge {"token:"} and PartitionKey lt {"token;"} and Kind eq {nameof(ApprovalKind.Request)} and ExpiresAt ge {from} and ExpiresAt lt {to}");
        var links = new List<ApprovalRequest>();
        await foreach (var e in _requests.QueryAsync<TableEntity>(linkFilter, cancellationToken: cancellationToken))
        {
            links.Add(TableApprovalRequestStore.FromEntity(e));
        }

        foreach (var group in links.GroupBy(l => (l.ReleaseId, l.Stage, l.Round, Role: l.Role.ToLowerInvariant())))
        {
            var askedAt = group.Min(l => l.CreatedAt);
            var expiredAt = group.Max(l => l.ExpiresAt);
            if (group.Any(l => l.State == ApprovalRequestState.Decided))
            {
                continue;
            }

            var decisions = await DecisionsAsync(group.Key.ReleaseId, group.Key.Stage, cancellationToken);
            var during = decisions.Where(d => d.At >= askedAt && d.At <= expiredAt).ToList();
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
        var sends = await SendsAsync(releaseId, cancellationToken);
        var decisions = await DecisionsAsync(releaseId, null, cancellationToken);
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

    private async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (_created)
        {
            return;
        }

        await _decisions.CreateIfNotExistsAsync(cancellationToken);
        await _requests.CreateIfNotExistsAsync(cancellationToken);
        _created = true;
    }
}
