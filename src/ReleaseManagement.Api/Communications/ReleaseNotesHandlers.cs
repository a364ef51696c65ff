using System.Net;
using Markdig;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using ReleaseManagement.Communications;
using ReleaseManagement.Policy;
using ReleaseManagement.Ports;

namespace ReleaseManagement.Api.Communications;

/// <summary>
/// <c>GET /api/releases/{id}/notes</c>: the release notes (<see cref="ReleaseNotes"/>) as Markdown (<c>text/markdown</c>)
/// or as HTML (Markdig), chosen by <c>?format=markdown|html</c> or else by the <c>Accept</c> header (HTML when it prefers
/// <c>text/html</c>, Markdown otherwise). The documents its type requires are those of the policy it runs under
/// (<see cref="ReleasePolicies.ForAsync"/>; without <paramref name="policies"/>, no "Documents" section).
/// </summary>
public sealed class ReleaseNotesHandlers(IReleaseStore releases, IPipelineEventStore events, ReleasePolicies? policies = null)
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().DisableHtml().UseAdvancedExtensions().Build();

    public async Task<IResult> GetAsync(string id, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var format = request.Query["format"].ToString().Trim().ToLowerInvariant();
        if (format is not ("" or "markdown" or "md" or "html"))
        {
            return Problems.BadRequest("Unknown format", $"format '{format}' is not markdown or html.");
        }

        var record = await releases.GetAsync(id, cancellationToken);
        if (record is null)
        {
            return Problems.UnknownRelease(id);
        }

        var timeline = await releases.GetTimelineAsync(id, cancellationToken);
        var stored = await events.ListByReleaseAsync(id, cancellationToken);
        var policy = policies is null ? null : await policies.ForAsync(record, cancellationToken);
        var markdown = ReleaseNotes.Markdown(record, stored.Select(e => e.Event).ToArray(), timeline, policy: policy);
        var html = format == "html" || (format.Length == 0 && PrefersHtml(request));
        return html
            ? Results.Text(Html(record.Request.Title, markdown), "text/html; charset=utf-8")
            : Results.Text(markdown, "text/markdown; charset=utf-8");
    }

    /// <summary>The notes as a complete HTML page (raw HTML in the Markdown, i.e. from pull request titles, is not passed through).</summary>
    public static string Html(string title, string markdown) =>
        $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Release notes: {WebUtility.HtmlEncode(title)}</title></head>" +
        $"<body style=\"font-family:Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#1f2937;max-width:800px;margin:24px auto;\">{Markdown.ToHtml(markdown, Pipeline)}</body></html>";

    private static bool PrefersHtml(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted))
        {
            return false;
        }

        double Quality(string type) => accepted.Where(a => a.MatchesMediaType(type)).Select(a => a.Quality ?? 1.0).DefaultIfEmpty(-1).Max();
        var htmlQ = accepted.Where(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase)).Select(a => a.Quality ?? 1.0).DefaultIfEmpty(-1).Max();
        return htmlQ > 0 && htmlQ > Quality("text/markdown");
    }
}
