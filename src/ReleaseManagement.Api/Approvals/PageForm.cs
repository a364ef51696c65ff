using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ReleaseManagement.Api.Approvals;

/// <summary>
/// The form an emailed link's page posts (the approval and the feedback pages): read within a size limit, or why it was
/// not, by one rule for both. The caller renders the refusal as its own page.
/// </summary>
public static class PageForm
{
    /// <summary>Why a post was not read as the page's form: the status and what the page says.</summary>
    public sealed record Refusal(int Status, string Heading, string Text);

    public static async Task<(IFormCollection? Form, Refusal? Refused)> ReadAsync(HttpRequest request, long maxBytes, string notAForm, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > maxBytes)
        {
            return (null, new(StatusCodes.Status413PayloadTooLarge, "Too large", "The form sent is too large."));
        }

        if (!request.HasFormContentType)
        {
            return (null, new(StatusCodes.Status415UnsupportedMediaType, "Not a form", notAForm));
        }

        try
        {
            return (await request.ReadFormAsync(new FormOptions { ValueLengthLimit = (int)maxBytes, ValueCountLimit = 10 }, cancellationToken), null);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            return (null, new(StatusCodes.Status400BadRequest, "Unreadable form", "The form sent could not be read."));
        }
    }
}
