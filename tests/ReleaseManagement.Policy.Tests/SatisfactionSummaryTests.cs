using ReleaseManagement.Feedback;
using static ReleaseManagement.Policy.Tests.TestPolicies;

namespace ReleaseManagement.Policy.Tests;

/// <summary>
/// The procedure's user satisfaction criterion (issue 27, point 1): the answers to a release's feedback links summed up
/// and judged by <c>successCriteria.minSatisfaction</c> and <c>minResponses</c>; too few answers are never "met".
/// </summary>
public sealed class SatisfactionSummaryTests
{
    private static FeedbackLink Link(int n, int? rating = null, string? comment = null) =>
        new("rel-1", $"hash{n}", $"reader{n}@example.com", "post-deployment-report@2027-01-05", DateTimeOffset.UnixEpoch)
        {
            Rating = rating,
            Comment = comment,
            AnsweredAt = rating is null ? null : DateTimeOffset.UnixEpoch.AddHours(n),
        };

    private static SuccessCriteria Target(decimal min, int? responses = null) =>
        Default.SuccessCriteria with { MinSatisfaction = min, MinResponses = responses };

    [Fact]
    public void Of_Answers_CountsAveragesAndDistributes()
    {
        var summary = SatisfactionSummary.Of([Link(1, 5), Link(2, 4), Link(3, 4), Link(4), Link(5, 2)], Default.SuccessCriteria);

        Assert.Equal((5, 4, 3.75m), (summary.Asked, summary.Responses, summary.Mean));
        Assert.Equal([0, 1, 0, 2, 1], summary.Distribution);
        Assert.Equal(SatisfactionVerdicts.NotJudged, summary.Verdict);
        Assert.Equal("3.75 of 5 from 4 of 5 asked (no target: not judged)", summary.Describe());
    }

    [Theory]
    [InlineData(4.0, null, SatisfactionVerdicts.NotMet)]
    [InlineData(3.75, null, SatisfactionVerdicts.Met)]
    [InlineData(3.0, 5, SatisfactionVerdicts.NotEnoughAnswers)]
    [InlineData(3.0, 4, SatisfactionVerdicts.Met)]
    public void Of_TargetAndMinimumAnswers_JudgeTheMean(double min, int? responses, string verdict)
    {
        var summary = SatisfactionSummary.Of([Link(1, 5), Link(2, 4), Link(3, 4), Link(4), Link(5, 2)], Target((decimal)min, responses));

        Assert.Equal(verdict, summary.Verdict);
    }

    [Fact]
    public void Of_NoLinksOrNoAnswers_IsNotAskedOrNotEnough_NeverMet()
    {
        Assert.Equal(SatisfactionVerdicts.NotAsked, SatisfactionSummary.Of([], Target(1)).Verdict);
        var unanswered = SatisfactionSummary.Of([Link(1), Link(2)], Target(1));
        Assert.Equal((SatisfactionVerdicts.NotEnoughAnswers, null), (unanswered.Verdict, unanswered.Mean));
        Assert.Equal("No feedback asked yet.", SatisfactionSummary.Of([], Target(1)).Describe());
    }

    [Theory]
    [InlineData(null, null, "Choose a rating")]
    [InlineData(0, null, "Choose a rating")]
    [InlineData(6, null, "Choose a rating")]
    [InlineData(3, 2001, "at most 2000 characters")]
    public void Problem_RatingOutOfRangeOrCommentTooLong_SaysWhy(int? rating, int? commentLength, string says)
    {
        Assert.Contains(says, FeedbackRules.Problem(rating, commentLength is { } n ? new string('x', n) : null), StringComparison.Ordinal);
        Assert.Null(FeedbackRules.Problem(3, new string('x', FeedbackRules.MaxCommentLength)));
    }

    [Fact]
    public void Validate_MinSatisfactionOutsideOneToFive_IsASchemaError()
    {
        var errors = ReleasePolicyLoader.FromPolicy(Default with { SuccessCriteria = Target(6) }, "code").Errors;

        Assert.Contains(errors, e => e.Path == "$.successCriteria.minSatisfaction");
        Assert.True(ReleasePolicyLoader.FromPolicy(Default with { SuccessCriteria = Target(4, 3) }, "code").IsValid);
    }
}
