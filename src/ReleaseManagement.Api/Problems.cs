using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ReleaseManagement.Api;

/// <summary>RFC 7807 problem details for every error the API returns.</summary>
public static class Problems
{
    public static ProblemHttpResult BadRequest(string title, string detail) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: StatusCodes.Status400BadRequest);

    public static ProblemHttpResult Validation(IReadOnlyDictionary<string, string[]> errors, string title) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors) { Title = title, Status = StatusCodes.Status400BadRequest });

    /// <summary>
    /// A release refused by the cadence or conflict rule (<see cref="Policy.AdmissionCheck"/>): the errors by rule, and
    /// <c>collisions</c> listing each release it collides with: <c>id</c>, <c>targetDate</c>, <c>rule</c> (<c>cadence</c> or <c>conflict</c>).
    /// </summary>
    public static ProblemHttpResult Admission(Policy.AdmissionCheck check, string title)
    {
        ArgumentNullException.ThrowIfNull(check);
        var problem = new HttpValidationProblemDetails(check.Errors) { Title = title, Status = StatusCodes.Status400BadRequest };
        problem.Extensions["collisions"] = check.Collisions
            .Where(c => (c.Rule == "cadence" && check.FrequencyRule == Policy.FrequencyRule.Refuse) || (c.Rule == "conflict" && check.ConflictRule == Policy.ConflictRule.Refuse))
            .Select(c => new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["id"] = c.Id,
                ["targetDate"] = c.TargetDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                ["rule"] = c.Rule,
            })
            .ToArray();
        return TypedResults.Problem(problem);
    }

    public static ProblemHttpResult NotFound(string title, string detail) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: StatusCodes.Status404NotFound);

    /// <summary>The 404 of a release id that names no stored release.</summary>
    public static ProblemHttpResult UnknownRelease(string releaseId) =>
        NotFound("No such release.", $"There is no release '{releaseId}'.");

    public static ProblemHttpResult Unauthorized(string title, string detail) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: StatusCodes.Status401Unauthorized);

    public static ProblemHttpResult Forbidden(string title, string detail) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: StatusCodes.Status403Forbidden);

    public static ProblemHttpResult Conflict(string title, string detail) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: StatusCodes.Status409Conflict);

    public static ProblemHttpResult PayloadTooLarge(long limit) =>
        TypedResults.Problem(title: "The request body is too large.", detail: $"At most {limit} bytes are accepted.", statusCode: StatusCodes.Status413PayloadTooLarge);

    public static ProblemHttpResult UnsupportedMediaType(string contentType) =>
        TypedResults.Problem(title: "Unsupported media type.", detail: $"'{contentType}' is not JSON: send application/json.", statusCode: StatusCodes.Status415UnsupportedMediaType);
}
