using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace ReleaseManagement.Api.Approvals;

/// <summary>
/// An HTML page of the approval flow, from <c>Templates/page.html</c>, with the headers every such page carries: no
/// caching, no referrer (the link's token must not leak into other sites' logs), and a Content-Security-Policy that
/// allows no script at all and only this page's own stylesheet. A HEAD gets the same status and headers without a body.
/// </summary>
public sealed class HtmlPage : IResult
{
    private readonly string _html;
    private readonly string _nonce;

    public HtmlPage(int statusCode, string title, string content)
    {
        StatusCode = statusCode;
        _nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        _html = Templates.Render("page.html", new Dictionary<string, string?>
        {
            ["title"] = title,
            ["nonce"] = _nonce,
            ["content"] = content,
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
