using System.Globalization;
using Azure.Data.Tables;
using ReleaseManagement.Approvals;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Azure.Tables;

/// <summary>
/// The approvals' day index (table <c>ApprovalsByDay</c>): where the metrics find the approval facts of a day without
/// scanning <c>ApprovalDecisions</c> and <c>ApprovalRequests</c>. One row per fact in the partition of the UTC day of the
/// time the metrics filter it on (<c>yyyy-MM-dd</c>), with that time as <c>At</c> and its kind as <c>Kind</c> and row-key prefix:
/// <list type="bullet">
/// <item><c>decided|{release}|{decision id}</c> (escaped): a decision, by <c>DecidedAt</c>;</item>
/// <item><c>skipped|{release}|{stage}</c> (escaped): a stage closed as skipped (pre-approved), by <c>ClosedAt</c>;</item>
/// <item><c>expires|{token hash}</c>: a Request link, by <c>ExpiresAt</c>.</item>
/// </list>
/// One partition for the three kinds: a day costs one query (<c>PartitionKey eq day and At in range</c>).
/// A row points at its fact; the reader reads the facts themselves (a release's decision partition, its closure rows, a
/// link by point read), so a row whose fact was never written, or whose fact says otherwise (a closure that lost to an
/// earlier one, a link whose expiry moved), adds nothing.
/// <para>
/// Write order: the stores upsert the row (idempotent: keys and values computed from the fact) before they write the fact,
/// so the index is never behind. Facts written before the index: the first <c>TableApprovalHistory</c> on an account
/// without the mark <see cref="BackfillMark"/> (partition <see cref="MetaPartition"/>) indexes them all, once.
/// </para>
/// </summary>
public static class ApprovalDayIndex
{
    public const string Decided = "decided";
    public const string Skipped = "skipped";
    public const string Expires = "expires";

    /// <summary>The partition of the index's own rows (no day partition starts with '!').</summary>
    public const string MetaPartition = "!meta";

    /// <summary>The row marking that the facts written before the index have been indexed.</summary>
    public const string BackfillMark = "backfill-v1";

    /// <summary>The partition of the facts filed by a time on the UTC day of <paramref name="at"/>.</summary>
    public static string Partition(DateTimeOffset at) => Partition(DateOnly.FromDateTime(at.UtcDateTime));

    public static string Partition(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The UTC days [from, to) touches, in order (none when it is empty).</summary>
    public static IReadOnlyList<DateOnly> Days(DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from)
        {
            return [];
        }

        var (first, last) = (DateOnly.FromDateTime(from.UtcDateTime), DateOnly.FromDateTime(to.UtcDateTime.AddTicks(-1)));
        var days = new List<DateOnly>();
        for (var d = first; d <= last; d = d.AddDays(1))
        {
            days.Add(d);
        }

        return days;
    }

    public static TableEntity DecisionRow(ApprovalDecisionRecord d) => DecisionRow(d.ReleaseId, d.DecisionId, d.DecidedAt);

    public static TableEntity DecisionRow(string releaseId, string decisionId, DateTimeOffset decidedAt) =>
        Row(Decided, decidedAt, Key(releaseId, decisionId), releaseId, "DecisionId", decisionId);

    public static TableEntity SkippedRow(string releaseId, string stage, DateTimeOffset closedAt) =>
        Row(Skipped, closedAt, Key(releaseId, stage), releaseId, "Stage", stage);

    /// <summary>The row of a Request link (other kinds of link have none: no metric reads their expiry).</summary>
    public static TableEntity? LinkRow(ApprovalRequest r) => r.Kind != ApprovalKind.Request ? null :
        Row(Expires, r.ExpiresAt, r.TokenHash, r.ReleaseId, "TokenHash", r.TokenHash);

    private static TableEntity Row(string kind, DateTimeOffset at, string key, string releaseId, string name, string value) =>
        new(Partition(at), kind + "|" + key)
        {
            ["Kind"] = kind,
            ["At"] = at,
            ["ReleaseId"] = releaseId,
            [name] = value,
        };

    private static string Key(string first, string second) => Uri.EscapeDataString(first) + "|" + Uri.EscapeDataString(second);
}
