using Microsoft.AspNetCore.Http;
using ReleaseManagement.Policy;
using ReleaseManagement.Releases;

namespace ReleaseManagement.Api.Dashboard;

/// <summary>The board's filters, from the query string (<c>type</c>, <c>system</c>, <c>status</c>, <c>q</c>): a plain GET form.</summary>
public sealed record BoardFilter(ReleaseType? Type = null, string? System = null, ReleaseStatus? Status = null, string? Search = null)
{
    public const int MaxText = 100;

    public bool IsEmpty => Type is null && System is null && Status is null && Search is null;

    /// <summary>Reads the filter; a value that is not a type or status, or text that is too long, is dropped and named in <paramref name="problems"/>.</summary>
    public static BoardFilter Parse(IQueryCollection query, out IReadOnlyList<string> problems)
    {
        var errors = new List<string>();
        var type = Enum<ReleaseType>(query["type"].ToString(), "type", errors);
        var status = Enum<ReleaseStatus>(query["status"].ToString(), "status", errors);
        var filter = new BoardFilter(type, Text(query["system"].ToString(), "system", errors), status, Text(query["q"].ToString(), "search", errors));
        problems = errors;
        return filter;
    }

    public bool Matches(ReleaseRecord r) =>
        (Type is null || r.Request.Type == Type)
        && (Status is null || r.Status == Status)
        && (System is null || r.Request.Systems.Contains(System, StringComparer.OrdinalIgnoreCase))
        && (Search is null
            || r.Request.Id.Contains(Search, StringComparison.OrdinalIgnoreCase)
            || r.Request.Title.Contains(Search, StringComparison.OrdinalIgnoreCase));

    private static T? Enum<T>(string text, string name, List<string> errors)
        where T : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (ReleaseRequestShape.TryParseName<T>(text.Trim(), out var value))
        {
            return value;
        }

        errors.Add($"'{Shorten(text)}' is not a {name}; showing every {name}.");
        return null;
    }

    private static string? Text(string text, string name, List<string> errors)
    {
        text = text.Trim();
        if (text.Length == 0)
        {
            return null;
        }

        if (text.Length > MaxText)
        {
            errors.Add($"The {name} text is longer than {MaxText} characters; it was ignored.");
            return null;
        }

        return text;
    }

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "…" : text;
}

/// <summary>The board: active releases in columns by phase, and the releases that ended in the last 30 days.</summary>
public sealed record BoardView(
    BoardFilter Filter,
    IReadOnlyList<string> FilterProblems,
    IReadOnlyList<BoardColumn> Columns,
    IReadOnlyList<EndedRelease> Ended,
    IReadOnlyList<string> Systems,
    int ActiveCount,
    int ShownCount,
    string UpdatedAt,
    string TimeZone,
    string SelfUrl)
{
    public const int EndedDays = 30;

    /// <summary>The columns, in the procedure's order.</summary>
    public static readonly IReadOnlyList<string> ColumnNames = ["Planning", "Development", "Promotion", "Deployment", "Validation", "Post-release"];

    /// <summary>
    /// Builds the board from the status projection alone (no timeline, no orchestration history). Warnings come from the
    /// same rows: an overdue approval, an escalation, a target date passed before production, and active releases sharing
    /// a system in the same production window (<see cref="ReleaseConflicts"/>, judged by <paramref name="policy"/>, the
    /// current one, as a new request is judged against the stored releases).
    /// </summary>
    public static BoardView Build(
        ReleasePolicy policy,
        IReadOnlyList<ReleaseRecord> records,
        BoardFilter filter,
        IReadOnlyList<string> filterProblems,
        IReadOnlyCollection<string> policySystems,
        DisplayFormat format,
        DateTimeOffset now)
    {
        var active = records.Where(r => r.Status == ReleaseStatus.Active).ToArray();
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, format.Zone).DateTime);
        var conflicts = Conflicts(policy, active);
        var shown = active.Where(filter.Matches).ToArray();
        var columns = ColumnNames
            .Select(name => new BoardColumn(
                name,
                shown.Where(r => DisplayFormat.PhaseName(r.Phase) == name)
                    .OrderBy(r => r.Request.TargetDate)
                    .ThenBy(r => r.Request.Id, StringComparer.Ordinal)
                    .Select(r => Card(r, conflicts, format, now, today))
                    .ToArray()))
            .ToArray();
        var since = now.AddDays(-EndedDays);
        var ended = records
            .Where(r => r.Status != ReleaseStatus.Active && r.UpdatedAt >= since && filter.Matches(r))
            .OrderByDescending(r => r.UpdatedAt)
            .Select(r => new EndedRelease(
                r.Request.Id, r.Request.Title, r.Request.Type.ToString(), r.Request.Systems, DisplayFormat.OutcomeName(r.Status),
                r.Status == ReleaseStatus.Completed, r.StatusReason is null ? null : DisplayFormat.Message(r.StatusReason), format.Time(r.UpdatedAt), DisplayFormat.Iso(r.UpdatedAt),
                DashboardRoutes.Release(r.Request.Id)))
            .ToArray();
        var systems = policySystems.Concat(records.SelectMany(r => r.Request.Systems))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.OrdinalIgnoreCase)
            .ToArray();
        return new BoardView(filter, filterProblems, columns, ended, systems, active.Length, shown.Length, format.Time(now), format.Zone.Id,
            DashboardRoutes.BoardWith(filter));
    }

    private static ReleaseCard Card(ReleaseRecord r, ILookup<string, string> conflicts, DisplayFormat format, DateTimeOffset now, DateOnly today)
    {
        var pending = (r.PendingApprovals ?? [])
            .Select(p => new ApprovalDue(p.Stage, DisplayFormat.ApprovalName(p.Stage), p.MissingRoles, format.Time(p.Deadline), DisplayFormat.Iso(p.Deadline), p.Deadline < now))
            .ToArray();
        var warnings = new List<string>();
        warnings.AddRange(pending.Where(p => p.Overdue).Select(p => $"The {p.Name} is overdue (deadline {p.Deadline})."));
        if (r.StatusReason?.Contains("escalated", StringComparison.OrdinalIgnoreCase) == true)
        {
            warnings.Add("An approval was escalated.");
        }

        // The stored window-conflict warning is left out: the board computes the conflicts live, by the same rule.
        warnings.AddRange((r.Warnings ?? []).Where(w => w.Code != AdmissionWarnings.WindowConflict).Select(w => w.Message));

        if (r.Request.TargetDate < today && r.Phase < ReleasePhase.Deployment)
        {
            warnings.Add($"The target date {DisplayFormat.Date(r.Request.TargetDate)} has passed.");
        }

        warnings.AddRange(conflicts[r.Request.Id]);
        return new ReleaseCard(
            r.Request.Id,
            r.Request.Title,
            r.Request.Type.ToString(),
            r.Request.Systems,
            DisplayFormat.Date(r.Request.TargetDate),
            DisplayFormat.StageName(r.Stage),
            r.StatusReason is null ? null : DisplayFormat.Message(r.StatusReason),
            DisplayFormat.RiskLevel(r.Risk),
            pending,
            warnings,
            DashboardRoutes.Release(r.Request.Id));
    }

    /// <summary>
    /// Per release: one warning per system it shares with other active releases in the same production window (the core's
    /// rule, <see cref="ReleaseConflicts"/>; at most three named).
    /// </summary>
    private static ILookup<string, string> Conflicts(ReleasePolicy policy, IReadOnlyList<ReleaseRecord> active) =>
        ReleaseConflicts.Among(policy, active)
            .GroupBy(c => (c.ReleaseId, c.System, c.Slot.Date))
            .Select(g =>
            {
                var others = g.Select(c => c.OtherId).ToArray();
                var named = string.Join(", ", others.Take(3)) + (others.Length > 3 ? $" and {others.Length - 3} more" : string.Empty);
                return (Id: g.Key.ReleaseId, Warning: $"Shares {g.Key.System} with {named} on {DisplayFormat.Date(g.Key.Date)}.");
            })
            .ToLookup(x => x.Id, x => x.Warning, StringComparer.Ordinal);
}

public sealed record BoardColumn(string Name, IReadOnlyList<ReleaseCard> Cards)
{
    public string Slug => Name.ToLowerInvariant().Replace(' ', '-');
}

public sealed record ReleaseCard(
    string Id,
    string Title,
    string Type,
    IReadOnlyList<string> Systems,
    string TargetDate,
    string Stage,
    string? StatusReason,
    string? RiskLevel,
    IReadOnlyList<ApprovalDue> PendingApprovals,
    IReadOnlyList<string> Warnings,
    string Url);

public sealed record ApprovalDue(string Stage, string Name, IReadOnlyList<string> MissingRoles, string Deadline, string DeadlineIso, bool Overdue);

public sealed record EndedRelease(
    string Id,
    string Title,
    string Type,
    IReadOnlyList<string> Systems,
    string Outcome,
    bool Succeeded,
    string? Reason,
    string EndedAt,
    string EndedAtIso,
    string Url);
