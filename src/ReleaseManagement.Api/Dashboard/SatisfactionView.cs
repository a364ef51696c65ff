using System.Globalization;
using ReleaseManagement.Feedback;

namespace ReleaseManagement.Api.Dashboard;

/// <summary>
/// The release page's "User satisfaction": the answers to the release's feedback links (<see cref="SatisfactionSummary"/>,
/// the one rule), their distribution, and the comments for those who read them (the release's release managers).
/// </summary>
public sealed record SatisfactionView(string Summary, string Verdict, int Asked, int Responses, IReadOnlyList<RatingRow> Distribution, IReadOnlyList<CommentRow>? Comments)
{
    public static SatisfactionView Of(SatisfactionSummary summary, IReadOnlyList<FeedbackLink> links, bool readsComments, DisplayFormat format)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(links);
        ArgumentNullException.ThrowIfNull(format);
        var rows = summary.Distribution.Select((count, i) => new RatingRow(
            i + 1, count, summary.Responses == 0 ? "0 %" : (100m * count / summary.Responses).ToString("0", CultureInfo.InvariantCulture) + " %")).ToArray();
        var comments = readsComments
            ? links.Where(l => l.Comment is not null).OrderBy(l => l.AnsweredAt)
                .Select(l => new CommentRow(l.Rating ?? 0, l.Comment!, format.Time(l.AnsweredAt!.Value), DisplayFormat.Iso(l.AnsweredAt.Value))).ToArray()
            : null;
        return new SatisfactionView(summary.Describe(), summary.Verdict, summary.Asked, summary.Responses, rows, comments);
    }
}

public sealed record RatingRow(int Rating, int Count, string Share);

public sealed record CommentRow(int Rating, string Comment, string At, string AtIso);

/// <summary>One business objective on the release page: its target, where it stands, and each verdict with why.</summary>
public sealed record ObjectiveRow(string Id, string Description, string Target, string State, bool Failing, IReadOnlyList<string> Verdicts, string Pending)
{
    public static ObjectiveRow Of(ReleaseManagement.Objectives.ObjectiveStanding s, DisplayFormat format)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(format);
        return new(s.Objective.Id, s.Objective.Description, s.Target, s.State,
            s.State is ReleaseManagement.Objectives.ObjectiveVerdicts.NotMet or ReleaseManagement.Objectives.ObjectiveVerdicts.MissingData,
            s.Verdicts.Select(v => $"{v.Verdict} ({format.Time(v.At)}): {v.Reason}").ToArray(),
            s.Pending.Count == 0 ? string.Empty : "Waiting for " + string.Join(", ", s.Pending) + ".");
    }
}
