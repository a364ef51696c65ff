using Microsoft.AspNetCore.Http;

namespace ReleaseManagement.Api;

/// <summary>RFC 7807 problem details for every error the API returns.</summary>
public static class Problems
{
    public static IResult BadRequest(string title, string detail) =>
        Results.Problem(title: title, detail: detail, statusCode: StatusCodes.Status400BadRequest);

    public static IResult Validation(IReadOnlyDictionary<string, string[]> errors, string title) =>
        Results.ValidationProblem(errors, title: title, statusCode: StatusCodes.Status400BadRequest);

    public static IResult NotFound(string title, string detail) =>
        Results.Problem(title: title, detail: detail, statusCode: StatusCodes.Status404NotFound);

    public static IResult Forbidden(string title, string detail) =>
        Results.Problem(title: title, detail: detail, statusCode: StatusCodes.Status403Forbidden);

    public static IResult Conflict(string title, string detail) =>
        Results.Problem(title: title, detail: detail, statusCode: StatusCodes.Status409Conflict);

    public static IResult PayloadTooLarge(long limit) =>
        Results.Problem(title: "The request body is too large.", detail: $"At most {limit} bytes are accepted.", statusCode: StatusCodes.Status413PayloadTooLarge);

    public static IResult UnsupportedMediaType(string contentType) =>
        Results.Problem(title: "Unsupported media type.", detail: $"'{contentType}' is not JSON: send application/json.", statusCode: StatusCodes.Status415UnsupportedMediaType);
}
