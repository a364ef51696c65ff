namespace ReleaseManagement.Feedback;

/// <summary>
/// One reader's feedback link on a release (the procedure's "user feedback collection"): sent with a notice that asks for
/// feedback, stored under the SHA-256 hash of its token only, answered once with a rating of 1 to 5 and a comment.
/// </summary>
/// <param name="TokenHash">The lowercase hex SHA-256 of the link's token (<see cref="Approvals.ApprovalTokens.Hash"/>).</param>
/// <param name="Recipient">Whom the link was sent to (lower-cased address).</param>
/// <param name="NoticeId">The notice that carried it (<c>post-deployment-report@2027-01-05</c>).</param>
public sealed record FeedbackLink(string ReleaseId, string TokenHash, string Recipient, string NoticeId, DateTimeOffset SentAt)
{
    /// <summary>The rating given, 1 (poor) to 5 (excellent); null until answered.</summary>
    public int? Rating { get; init; }

    /// <summary>The comment given with it (at most <see cref="FeedbackRules.MaxCommentLength"/> characters), if any.</summary>
    public string? Comment { get; init; }

    public DateTimeOffset? AnsweredAt { get; init; }

    public bool Answered => Rating is not null;
}

/// <summary>What answering a link did.</summary>
public enum FeedbackAnswerOutcome
{
    Recorded,
    AlreadyAnswered,
    NotFound,
}

/// <summary>The rules of an answer, in one place for the form, the API and the store.</summary>
public static class FeedbackRules
{
    public const int MinRating = 1;
    public const int MaxRating = 5;
    public const int MaxCommentLength = 2000;

    /// <summary>Why <paramref name="rating"/> and <paramref name="comment"/> are not an answer, or null when they are.</summary>
    public static string? Problem(int? rating, string? comment) =>
        rating is not (>= MinRating and <= MaxRating) ? $"Choose a rating from {MinRating} (poor) to {MaxRating} (excellent)."
        : comment is { Length: > MaxCommentLength } ? $"The comment must be at most {MaxCommentLength} characters."
        : null;
}
