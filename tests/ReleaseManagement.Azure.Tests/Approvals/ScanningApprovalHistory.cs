using Azure.Data.Tables;
using ReleaseManagement.Approvals;
using ReleaseManagement.Azure.Tables;
using ReleaseManagement.Metrics;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Tests.Approvals;

/// <summary>
/// The reference answer: <c>TableApprovalHistory.ListResolvedAsync</c> as it was before the day index, three whole-table
/// scans of <c>ApprovalDecisions</c> and <c>ApprovalRequests</c> (kept here verbatim in its logic to compare answers).
/// </summary>
internal sealed class ScanningApprovalHistory(TableServiceClient service)
{
    private readonly TableClient _decisions = service.GetTableClient(TableNames.ApprovalDecisions);
    private readonly TableClient _requests = service.GetTableClient(TableNames.ApprovalRequests);

    private sealed record Decision(string ReleaseId, string Stage, string? Role, string Approver, bool Approved, DateTimeOffset At);

    private sealed record Link(string ReleaseId, string Stage, int Round, string Role, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, string State);

    public async Task<IReadOnlyList<ResolvedApprovalAsk>> ListResolvedAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var result = new List<ResolvedApprovalAsk>();
        var sendsByRelease = new Dictionary<string, IReadOnlyList<(string Stage, string Kind, string Approver, DateTimeOffset SentAt)>>(StringComparer.Ordinal);
        await foreach (var e in _decisions.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"DecidedAt ge {from} and DecidedAt lt {to}"), cancellationToken: cancellationToken))
        {
            var d = ToDecision(e);
            if (!sendsByRelease.TryGetValue(d.ReleaseId, out var sends))
            {
                sends = sendsByRelease[d.ReleaseId] = await SendsAsync(d.ReleaseId, cancellationToken);
            }

            var asked = sends.Where(s => s.Stage == d.Stage && s.Kind == nameof(ApprovalKind.Request) && s.SentAt <= d.At).ToList();
            var own = asked.Where(s => string.Equals(s.Approver, d.Approver, StringComparison.OrdinalIgnoreCase)).ToList();
            var askedAt = (own.Count > 0 ? own : asked).Select(s => (DateTimeOffset?)s.SentAt).Max();
            result.Add(new ResolvedApprovalAsk(d.ReleaseId, d.Stage, d.Role ?? "(unknown)", d.Approved ? ApprovalOutcome.Approved : ApprovalOutcome.Rejected, d.At, askedAt));
        }

        var skippedFilter = TableClient.CreateQueryFilter($"PartitionKey ge {"release:"} and PartitionKey lt {"release;"} and Skipped eq {true} and ClosedAt ge {from} and ClosedAt lt {to}");
        await foreach (var e in _requests.QueryAsync<TableEntity>(skippedFilter, cancellationToken: cancellationToken))
        {
            result.Add(new ResolvedApprovalAsk(
                TableApprovalRequestStore.ReleaseOfSendPartition(e.PartitionKey), e.GetString("Stage") ?? string.Empty, ApprovalFact.PreApproved,
                ApprovalOutcome.Skipped, e.GetDateTimeOffset("ClosedAt") ?? from, null));
        }

        var linkFilter = TableClient.CreateQueryFilter($"PartitionKey ge {"token:"} and PartitionKey lt {"token;"} and Kind eq {nameof(ApprovalKind.Request)} and ExpiresAt ge {from} and ExpiresAt lt {to}");
        var links = new List<Link>();
        await foreach (var e in _requests.QueryAsync<TableEntity>(linkFilter, cancellationToken: cancellationToken))
        {
            links.Add(new Link(e.GetString("ReleaseId")!, e.GetString("Stage")!, e.GetInt32("Round") ?? 1, e.GetString("Role") ?? string.Empty,
                e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue, e.GetDateTimeOffset("ExpiresAt") ?? DateTimeOffset.MinValue, e.GetString("State")!));
        }

        foreach (var group in links.GroupBy(l => (l.ReleaseId, l.Stage, l.Round, Role: l.Role.ToLowerInvariant())))
        {
            var askedAt = group.Min(l => l.CreatedAt);
            var expiredAt = group.Max(l => l.ExpiresAt);
            if (group.Any(l => l.State == nameof(ApprovalRequestState.Decided)))
            {
                continue;
            }

            var decisions = new List<Decision>();
            await foreach (var e in _decisions.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {group.Key.ReleaseId} and Stage eq {group.Key.Stage}"), cancellationToken: cancellationToken))
            {
                decisions.Add(ToDecision(e));
            }

            var during = decisions.Where(d => d.At >= askedAt && d.At <= expiredAt).ToList();
            if (during.Any(d => string.Equals(d.Role, group.Key.Role, StringComparison.OrdinalIgnoreCase)) || during.Any(d => !d.Approved))
            {
                continue;
            }

            result.Add(new ResolvedApprovalAsk(group.Key.ReleaseId, group.Key.Stage, group.First().Role, ApprovalOutcome.TimedOut, expiredAt, askedAt));
        }

        return result;
    }

    private async Task<IReadOnlyList<(string Stage, string Kind, string Approver, DateTimeOffset SentAt)>> SendsAsync(string releaseId, CancellationToken cancellationToken)
    {
        var list = new List<(string, string, string, DateTimeOffset)>();
        await foreach (var e in _requests.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {TableApprovalRequestStore.SendPartition(releaseId)}"), cancellationToken: cancellationToken))
        {
            var parts = e.RowKey.Split('|');
            if (parts.Length >= 4 && e.GetDateTimeOffset("SentAt") is { } sentAt && Enum.TryParse<ApprovalKind>(parts[^2], out var kind))
            {
                list.Add((string.Join('|', parts[..^3]), kind.ToString(), Uri.UnescapeDataString(parts[^1]), sentAt));
            }
        }

        return list;
    }

    private static Decision ToDecision(TableEntity e) => new(
        e.PartitionKey, e.GetString("Stage") ?? string.Empty, e.GetString("Role"), e.GetString("Approver") ?? string.Empty,
        e.GetBoolean("Approved") ?? false, e.GetDateTimeOffset("DecidedAt") ?? DateTimeOffset.MinValue);
}
