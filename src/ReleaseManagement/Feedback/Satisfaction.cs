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
