using ReleaseManagement.Policy;

namespace ReleaseManagement.Feedback;

/// <summary>The verdict of the procedure's user satisfaction criterion for one release.</summary>
public static class SatisfactionVerdicts
{
    /// <summary>No notice of the release asked for feedback (yet).</summary>
    public const string NotAsked = "not asked";

    /// <summary>Asked, and the policy sets no <see cref="SuccessCriteria.MinSatisfaction"/>: shown, not judged.</summary>
    public const string NotJudged = "not judged";

    /// <summary>Fewer answers than <see cref="SuccessCriteria.MinResponses"/>: never "met" for want of answers.</summary>
    public const string NotEnoughAnswers = "not enough answers";

    public const string Met = "met";
    public const string NotMet = "not met";
}

/// <summary>A release's feedback summed up: how many were asked and answered, the mean, the distribution and the verdict.</summary>
/// <param name="Distribution">How many answers gave each rating, 1 to 5 (five counts).</param>
public sealed record SatisfactionSummary(int Asked, int Responses, decimal? Mean, IReadOnlyList<int> Distribution, string Verdict, decimal? Target, int MinResponses)
{
    /// <summary>The summary of <paramref name="links"/> judged by <paramref name="criteria"/> (the one rule: API, page, notices, reports).</summary>
    public static SatisfactionSummary Of(IEnumerable<FeedbackLink> links, SuccessCriteria criteria)
    {
        ArgumentNullException.ThrowIfNull(links);
        ArgumentNullException.ThrowIfNull(criteria);
        var all = links.ToArray();
        var ratings = all.Where(l => l.Rating is not null).Select(l => l.Rating!.Value).ToArray();
        decimal? mean = ratings.Length == 0 ? null : Math.Round((decimal)ratings.Sum() / ratings.Length, 2, MidpointRounding.AwayFromZero);
        var minResponses = criteria.MinResponses ?? 1;
        var verdict = all.Length == 0 ? SatisfactionVerdicts.NotAsked
            : criteria.MinSatisfaction is not { } target ? SatisfactionVerdicts.NotJudged
            : ratings.Length < minResponses ? SatisfactionVerdicts.NotEnoughAnswers
            : mean >= target ? SatisfactionVerdicts.Met
            : SatisfactionVerdicts.NotMet;
        var distribution = Enumerable.Range(FeedbackRules.MinRating, FeedbackRules.MaxRating).Select(r => ratings.Count(x => x == r)).ToArray();
        return new SatisfactionSummary(all.Length, ratings.Length, mean, distribution, verdict, criteria.MinSatisfaction, minResponses);
    }

    /// <summary>The summary in one line, for pages and notices: "4.25 of 5 from 4 of 6 asked (target 4, met)".</summary>
    public string Describe() => Asked == 0 ? "No feedback asked yet."
        : $"{(Mean is { } m ? $"{m:0.##} of 5" : "no rating yet")} from {Responses} of {Asked} asked" +
          (Target is { } t ? $" (target {t:0.##} from at least {MinResponses}: {Verdict})" : " (no target: not judged)");
}

/// <summary>
/// The user satisfaction of a report's releases of one type (the monthly and quarterly reports): the releases deployed to
/// production in the period that asked for feedback, the answers pooled, and how many met or missed the target.
/// </summary>
public sealed record SatisfactionSegment(string Name, int Releases, int Asked, int Responses, decimal? Mean, int Met, int NotMet, int NotEnoughAnswers)
{
    /// <summary>
    /// Per release type (every type, in order), from each release's links, judged by <paramref name="criteria"/> with the one
    /// rule (<see cref="SatisfactionSummary.Of"/>); a release that asked nobody is not counted.
    /// </summary>
    public static IReadOnlyList<SatisfactionSegment> ByReleaseType(
        IEnumerable<(Releases.ReleaseType Type, IReadOnlyList<FeedbackLink> Links)> releases, SuccessCriteria criteria)
    {
        ArgumentNullException.ThrowIfNull(releases);
        ArgumentNullException.ThrowIfNull(criteria);
        var asked = releases.Where(r => r.Links.Count > 0).ToArray();
        return Enum.GetValues<Releases.ReleaseType>().Select(type =>
        {
            var ofType = asked.Where(r => r.Type == type).ToArray();
            var verdicts = ofType.Select(r => SatisfactionSummary.Of(r.Links, criteria).Verdict).ToArray();
            var pooled = SatisfactionSummary.Of(ofType.SelectMany(r => r.Links), criteria with { MinSatisfaction = null });
            return new SatisfactionSegment(type.ToString(), ofType.Length, pooled.Asked, pooled.Responses, pooled.Mean,
                verdicts.Count(v => v == SatisfactionVerdicts.Met), verdicts.Count(v => v == SatisfactionVerdicts.NotMet),
                verdicts.Count(v => v == SatisfactionVerdicts.NotEnoughAnswers));
        }).ToArray();
    }
}
