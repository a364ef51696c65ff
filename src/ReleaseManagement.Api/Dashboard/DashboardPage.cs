using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ReleaseManagement.Api.Dashboard;

/// <summary>
/// A dashboard page or fragment: a Razor component rendered to HTML on the server (<see cref="HtmlRenderer"/>, which needs
/// nothing of the host, so the Functions worker and the local host render alike), sent with a Content-Security-Policy that
/// allows only the app's own stylesheet and scripts carrying this response's nonce, and no caching.
/// </summary>
public sealed class DashboardPage : IResult
{
    private readonly Type _component;
    private readonly Dictionary<string, object?> _parameters;
    private readonly bool _fragment;

    private DashboardPage(Type component, Dictionary<string, object?> parameters, int statusCode, bool fragment)
    {
        _component = component;
        _parameters = parameters;
        StatusCode = statusCode;
        _fragment = fragment;
    }

    public int StatusCode { get; }

    /// <summary>A whole page: the component must take a <c>Nonce</c> parameter for its script tag.</summary>
    public static DashboardPage Page<TComponent>(object model, int statusCode = StatusCodes.Status200OK)
        where TComponent : IComponent =>
        new(typeof(TComponent), new() { ["Model"] = model }, statusCode, fragment: false);

    /// <summary>The live part of a page alone, for htmx's periodic refresh.</summary>
    public static DashboardPage Fragment<TComponent>(object model)
        where TComponent : IComponent =>
        new(typeof(TComponent), new() { ["Model"] = model }, StatusCodes.Status200OK, fragment: true);

    public static string ContentSecurityPolicy(string nonce) =>
        $"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    /// <summary>Renders a component to HTML with the given parameters.</summary>
    public static async Task<string> RenderAsync(IServiceProvider services, Type component, IReadOnlyDictionary<string, object?> parameters)
    {
        var loggers = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        await using var renderer = new HtmlRenderer(services, loggers);
        return await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync(component, ParameterView.FromDictionary(parameters.ToDictionary()))).ToHtmlString());
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var parameters = new Dictionary<string, object?>(_parameters);
        if (!_fragment)
        {
            parameters["Nonce"] = nonce;
        }

        var html = await RenderAsync(httpContext.RequestServices, _component, parameters);
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        var headers = response.Headers;
        headers.CacheControl = "no-store, max-age=0";
        headers.ContentSecurityPolicy = ContentSecurityPolicy(nonce);
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "same-origin";
        headers["X-Robots-Tag"] = "noindex, nofollow";
        headers.Vary = "HX-Request";
        response.ContentType = "text/html; charset=utf-8";
        var bytes = Encoding.UTF8.GetBytes(html);
        response.ContentLength = bytes.Length;
        if (!HttpMethods.IsHead(httpContext.Request.Method))
        {
            await response.Body.WriteAsync(bytes, httpContext.RequestAborted);
        }
    }
}
