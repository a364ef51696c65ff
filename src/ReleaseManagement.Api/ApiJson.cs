using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ReleaseManagement.Api;

/// <summary>The one JSON shape of the API, identical in both hosts: camelCase, enums as strings.</summary>
public static class ApiJson
{
    public const long MaxBodyBytes = 64 * 1024;

    public static readonly JsonSerializerOptions Options = Apply(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>
    /// Gives <paramref name="options"/> (web defaults) the API's settings: the hosts apply it to their HTTP JSON options, so
    /// typed results such as <c>Accepted&lt;T&gt;</c> write the same shape as <see cref="Json"/>.
    /// </summary>
    public static JsonSerializerOptions Apply(JsonSerializerOptions options)
    {
        options.Converters.Add(new JsonStringEnumConverter());
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        return options;
    }

    /// <summary>
    /// Reads a JSON body, or returns the problem to answer with (400 malformed, 413 too large, 415 not JSON; 403 when a body
    /// names an actor other than the signed-in person, whose name fills an absent one: <see cref="Auth.Actor"/>).
    /// </summary>
    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, Problems.PayloadTooLarge(MaxBodyBytes));
        }

        if (request.ContentType is { } contentType && !contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Problems.UnsupportedMediaType(contentType));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return (null, Problems.PayloadTooLarge(MaxBodyBytes));
            }

            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0)
        {
            return (null, Problems.BadRequest("The request body is empty.", "A JSON object is required."));
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(buffer.ToArray(), Options);
            return value is null
                ? (null, Problems.BadRequest("The request body is not a JSON object.", "A JSON object is required."))
                : Auth.Actor.Apply(request, value);
        }
        catch (JsonException e)
        {
            return (null, Problems.BadRequest("The request body is not valid JSON.", e.Message));
        }
    }

    public static IResult Json(object value, int statusCode = StatusCodes.Status200OK) =>
        Results.Json(value, Options, statusCode: statusCode);
}
