namespace ReleaseManagement.Api.Feedback;

/// <summary>The variables of <c>feedback-form.html.liquid</c>: the release asked about, and the form.</summary>
public sealed record FeedbackFormView(
    string ReleaseId,
    string ReleaseTitle,
    string Type,
    string Systems,
    string Status,
    string Recipient,
    string FormField,
    string FormValue,
    int MaxComment,
    IReadOnlyList<RatingOption> Ratings);

/// <summary>One choice of the 1–5 rating.</summary>
public sealed record RatingOption(int Value, string Label);

/// <summary><c>GET /api/releases/{id}/feedback</c>: the release's satisfaction, and (for its release managers) the comments.</summary>
public sealed record FeedbackSummaryResponse(
    string ReleaseId,
    int Asked,
    int Responses,
    decimal? Mean,
    IReadOnlyDictionary<string, int> Distribution,
    string Verdict,
    decimal? MinSatisfaction,
    int MinResponses,
    IReadOnlyList<FeedbackComment>? Comments);

/// <summary>A comment given with a rating; who gave it is not shown (readers answer more freely).</summary>
public sealed record FeedbackComment(int Rating, string Comment, DateTimeOffset At);
