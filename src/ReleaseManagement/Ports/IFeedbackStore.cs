using ReleaseManagement.Feedback;

namespace ReleaseManagement.Ports;

/// <summary>The feedback links of releases and their answers (table <c>Feedback</c>: a partition per release, and an index by token hash).</summary>
public interface IFeedbackStore
{
    /// <summary>Stores a link once: a link with the same release and token hash already stored is kept as it is (a retried send).</summary>
    Task AddAsync(FeedbackLink link, CancellationToken cancellationToken = default);

    /// <summary>The link whose token hashes to <paramref name="tokenHash"/>, of whichever release.</summary>
    Task<FeedbackLink?> GetAsync(string tokenHash, CancellationToken cancellationToken = default);

    /// <summary>Records the answer on a link not answered yet (one answer per link, also between two concurrent posts).</summary>
    Task<FeedbackAnswerOutcome> AnswerAsync(string tokenHash, int rating, string? comment, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Every link of a release, answered or not.</summary>
    Task<IReadOnlyList<FeedbackLink>> ListAsync(string releaseId, CancellationToken cancellationToken = default);
}

/// <summary>
/// Makes a reader's feedback link for a notice (the send of a notice that asks for feedback): the same link for the same
/// release, notice and reader every time (a retried send repeats it), its token's hash stored.
/// </summary>
public interface IFeedbackLinks
{
    /// <summary>The absolute URL of <paramref name="recipient"/>'s link, stored before it is returned.</summary>
    Task<string> LinkAsync(string releaseId, string noticeId, string recipient, DateTimeOffset sentAt, CancellationToken cancellationToken = default);
}
