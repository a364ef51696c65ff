using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using ReleaseManagement.Api.Communications;

namespace ReleaseManagement.Api.Approvals;

/// <summary>
/// An HTML page of the approval flow: a Liquid template of <see cref="NoticeTemplateStore"/> rendered inside
/// <c>approval-page.html.liquid</c> (which gets <c>title</c>, <c>header</c>, <c>nonce</c> and <c>content</c>), with the headers every such page carries: no
/// caching, no referrer (the link's token must not leak into other sites' logs), and a Content-Security-Policy that
/// allows no script at all and only this page's own stylesheet. A HEAD gets the same status and headers without a body.
/// </summary>
public sealed class HtmlPage : IResult
{
    private readonly string _html;
    private readonly string _nonce;

    public const string Layout = "approval-page";

    /// <summary>A page rendering <paramref name="template"/><c>.html.liquid</c> with <paramref name="view"/>.</summary>
    public HtmlPage(NoticeTemplateStore templates, int statusCode, string title, string template, object view, string header = "Release approvals")
    {
        ArgumentNullException.ThrowIfNull(templates);
        StatusCode = statusCode;
        _nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        _html = templates.RenderView(template, "html", view, Layout, new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["title"] = title,
            ["nonce"] = _nonce,
            ["header"] = header,
        });
    }

    public int StatusCode { get; }

    public string ContentSecurityPolicy =>
        $"default-src 'none'; style-src 'nonce-{_nonce}'; img-src 'none'; script-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    public static void ApplySecurityHeaders(HttpResponse response, string contentSecurityPolicy)
    {
        var headers = response.Headers;
        headers.CacheControl = "no-store, max-age=0";
        headers.Pragma = "no-cache";
        headers["Referrer-Policy"] = "no-referrer";
        headers.ContentSecurityPolicy = contentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["X-Robots-Tag"] = "noindex, nofollow";
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        ApplySecurityHeaders(response, ContentSecurityPolicy);
        response.ContentType = "text/html; charset=utf-8";
        var bytes = Encoding.UTF8.GetBytes(_html);
        response.ContentLength = bytes.Length;
        if (!HttpMethods.IsHead(httpContext.Request.Method))
        {
            await response.Body.WriteAsync(bytes, httpContext.RequestAborted);
        }
    }
}
